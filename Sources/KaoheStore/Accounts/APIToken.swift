import Crypto
import Foundation
import KaoheRules

/// An API token: `kh_` followed by 43 base64url characters (32 random bytes). Only its SHA-256 is
/// stored; the token is shown once, when created.
public struct APIToken: Sendable, Hashable {
    /// The token as the client sends it (`Authorization: Bearer kh_…`).
    public var secret: String

    /// A new random token from the system's CSPRNG.
    public static func generate() -> APIToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return APIToken(secret: "kh_" + base64)
    }

    /// Wraps a token received from a client.
    public init(secret: String) { self.secret = secret }

    /// Lowercase hex SHA-256 of the token: what the database holds.
    public var hash: String { Self.hash(secret) }

    /// Lowercase hex SHA-256 of any token text.
    public static func hash(_ secret: String) -> String {
        Hex.sha256(secret)
    }
}
