import Foundation
import Hummingbird
import KaoheRules

/// A submitted HTML form (`application/x-www-form-urlencoded`), as name → value (the last value wins).
struct FormBody: Sendable {
    var fields: [String: String]

    subscript(_ name: String) -> String? { fields[name] }

    /// The field's text without surrounding blanks and line breaks; nil when that leaves nothing
    /// (an optional field left empty).
    func text(_ name: String) -> String? {
        let text = (fields[name] ?? "").trimmingBlanksAndNewlines()
        return text.isEmpty ? nil : text
    }

    /// The most a dashboard form may send: 64 KiB (its fields are small).
    static let maxBody = 64 * 1024

    /// Reads the request's body; more than `maxBody` is refused with 413, as every API body.
    static func read(_ request: Request) async throws -> FormBody {
        FormBody(parsing: String(decoding: try await APIBody.read(request, limit: maxBody), as: UTF8.self))
    }

    init(parsing text: String) {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        self.fields = fields
    }
}

/// Compares two secrets in time independent of where they differ.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}
