import Testing
@testable import PoolDeskJournal

@Suite("SHA-256 (NIST vectors)")
struct SHA256Tests {
    @Test func emptyAndShortMessages() {
        #expect(SHA256.hex(SHA256.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func longMessageAndIncrementalUpdates() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(SHA256.hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Every split of a 119-byte message (crossing the 55/56/64-byte padding edges) gives the same digest.
        let message = (0..<119).map { UInt8($0 & 0xff) }
        let whole = SHA256.hash(message)
        for split in 0...message.count {
            var incremental = SHA256()
            incremental.update(message[..<split])
            incremental.update(message[split...])
            #expect(incremental.finalize() == whole)
        }
        #expect(JournalCodec.digest(fromHex: SHA256.hex(whole)) == whole)
    }
}
