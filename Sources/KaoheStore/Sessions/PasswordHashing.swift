import Dispatch
import HummingbirdBcrypt

/// bcrypt off the cooperative thread pool: a hash at cost 12 takes about a quarter of a second of
/// CPU, which would otherwise stall every other request's task on that thread meanwhile.
enum PasswordHashing {
    static func hash(_ password: String, cost: UInt8) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Bcrypt.hash(password, cost: cost))
            }
        }
    }

    static func verify(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Bcrypt.verify(password, hash: hash))
            }
        }
    }
}
