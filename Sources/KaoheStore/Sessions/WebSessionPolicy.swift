/// The rules of web logins (网页控制台登录): password length, bcrypt cost, how long a session lives,
/// and when repeated failures lock an account for a while.
public struct WebSessionPolicy: Sendable, Hashable {
    /// Shortest password accepted by `kaohe account set-password` (characters).
    public var minimumPasswordLength: Int = 10
    /// Longest password (UTF-8 bytes): bcrypt reads no further than 72 bytes.
    public var maximumPasswordBytes: Int = 72
    /// bcrypt cost (2^cost rounds): 12 in production; tests may lower it to stay fast.
    public var bcryptCost: UInt8 = 12
    /// A session unused for this long ends (seconds).
    public var idleSeconds: Int = 2 * 60 * 60
    /// A session ends this long after login, however busy (seconds).
    public var absoluteSeconds: Int = 12 * 60 * 60
    /// Consecutive failed logins that lock the account …
    public var maximumFailures: Int = 5
    /// … for this long (seconds); during the lock even the right password is refused.
    public var lockoutSeconds: Int = 15 * 60
    /// Failed logins from one client address, on any accounts, that block the address …
    public var maximumAddressFailures: Int = 30
    /// … until this long after its first failure (seconds).
    public var addressWindowSeconds: Int = 15 * 60

    /// The production rules.
    public init() {}

    /// The problem with `password`, in words an office clerk can act on; nil when it is acceptable.
    public func problem(with password: String) -> String? {
        if password.count < minimumPasswordLength {
            return "the password must have at least \(minimumPasswordLength) characters / 密码至少 \(minimumPasswordLength) 个字符"
        }
        if password.utf8.count > maximumPasswordBytes {
            return "the password must be at most \(maximumPasswordBytes) bytes of UTF-8 / 密码不得超过 \(maximumPasswordBytes) 字节"
        }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "the password must not contain control characters (a line break?) / 密码不得含控制字符"
        }
        return nil
    }
}
