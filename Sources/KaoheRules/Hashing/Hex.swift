import Crypto
public import Foundation

/// Lowercase hexadecimal text of bytes and SHA-256 digests, as stored and published throughout
/// (the spot check's `H(x)`, the population hash, token hashes, file hashes, the audit chain,
/// idempotency fingerprints, migration checksums). The one hex encoder of kaohe.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Two lowercase hex digits per byte. By table: it runs for every API request (the token's
    /// hash), where `String(format: "%02x")` per byte cost more than hashing.
    public static func lowercase<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in bytes {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The lowercase hex SHA-256 of `data`.
    public static func sha256<D: DataProtocol>(_ data: D) -> String {
        lowercase(SHA256.hash(data: data))
    }

    /// The lowercase hex SHA-256 of the text's UTF-8 bytes.
    public static func sha256(_ text: String) -> String {
        sha256(Array(text.utf8))
    }
}
