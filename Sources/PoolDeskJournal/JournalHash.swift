import Crypto

/// SHA-256 for the journal's hash chain, from apple/swift-crypto (BoringSSL's implementation on Linux,
/// CryptoKit's on Apple platforms), in the shape the journal uses: byte arrays in, byte arrays and
/// lower-case hex out.
///
/// The digests are plain FIPS 180-4 SHA-256, byte for byte what the earlier hand-written version produced,
/// so existing journals still verify; `JournalHashTests` checks the NIST vectors through this wrapper.
public struct JournalHash {
    private var hasher = SHA256()

    /// A hasher with nothing absorbed yet.
    public init() {}

    /// Absorbs `bytes`.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        if handled == nil { hasher.update(data: Array(bytes)) }
    }

    /// Pads, finishes and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        Array(hasher.finalize())
    }

    /// The digest of `bytes` in one call.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var hasher = JournalHash()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Lower-case hex of a digest (how the journal stores hashes, so sqlite3 shows them readably).
    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digest.count * 2)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
