import Crypto
import _CryptoExtras

/// Known-answer check of the scrypt call the credential store makes (RFC 7914 §12, vector 1), so a test can prove
/// the library is wired with the parameters in the right order.
public enum KDFCheck {
    public static func rfc7914Empty() throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(from: [UInt8](), salt: [UInt8](), outputByteCount: 64, rounds: 16, blockSize: 1, parallelism: 1)
        return key.withUnsafeBytes { Array($0) }
    }
}
