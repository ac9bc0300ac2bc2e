public import Foundation

/// A logged-in browser session: who it is, and the CSRF token its forms carry.
public struct WebSession: Sendable, Hashable {
    /// The account, with its role and scope — the same principal the API builds from a token.
    public var principal: Principal
    /// 显示名 of the account.
    public var displayName: String
    /// The synchronizer token (`_csrf`) every POST of this session must send back.
    public var csrfToken: String
    /// When the session ends at the latest.
    public var expiresAt: Date

    /// Makes a session value.
    public init(principal: Principal, displayName: String, csrfToken: String, expiresAt: Date) {
        self.principal = principal
        self.displayName = displayName
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

/// A new random secret from the system's CSPRNG: 32 bytes, base64url without padding (43 characters,
/// valid in a cookie value and a form field).
enum RandomSecret {
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
