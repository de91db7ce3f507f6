import Foundation
import HummingbirdTLS
import NIOSSL

/// The server's TLS identity (`--tls-cert`, `--tls-key`): a PEM certificate chain and its PEM private key, checked
/// to load and to belong together before the server listens, so a bad file is one line and exit 2, not a failed
/// handshake later.
public struct ServerTLS: Sendable {
    /// The swift-nio-ssl server configuration (TLS 1.2 and later, swift-nio-ssl's default ciphers).
    public let configuration: TLSConfiguration

    /// The identity in the PEM files at `certificatePath` (leaf first, then intermediates) and `keyPath`.
    /// Throws ``ServerTLSError`` naming the flag and the file: unreadable, not PEM, or a key that is not the
    /// certificate's.
    public static func load(certificatePath: String, keyPath: String) throws(ServerTLSError) -> ServerTLS {
        let certificateBytes = try read(certificatePath, flag: "--tls-cert")
        let keyBytes = try read(keyPath, flag: "--tls-key")
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(certificateBytes)
        } catch {
            throw ServerTLSError("--tls-cert \(certificatePath) is not a PEM certificate")
        }
        guard !chain.isEmpty else { throw ServerTLSError("--tls-cert \(certificatePath) holds no PEM certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            throw ServerTLSError("--tls-key \(keyPath) is not an unencrypted PEM private key")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(key))
        // Building the context is what checks that the key matches the leaf certificate.
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ServerTLSError("--tls-key \(keyPath) does not belong to the certificate in --tls-cert \(certificatePath)")
        }
        return ServerTLS(configuration: configuration)
    }

    /// An identity from a configuration built elsewhere (tests).
    public init(configuration: TLSConfiguration) {
        self.configuration = configuration
    }

    static func read(_ path: String, flag: String) throws(ServerTLSError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ServerTLSError("cannot read \(flag) \(path): no such file")
        }
        guard !isDirectory.boolValue else { throw ServerTLSError("cannot read \(flag) \(path): it is a directory") }
        // A PEM identity is a few KiB; anything huge is not one (and is not read into memory).
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= 1 << 20 else { throw ServerTLSError("\(flag) \(path) is not a PEM file (larger than 1 MiB)") }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ServerTLSError("cannot read \(flag) \(path): permission denied or unreadable")
        }
    }
}

/// A TLS file that cannot be used, as one line naming the flag and the file.
public struct ServerTLSError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
