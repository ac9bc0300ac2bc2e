import KaoheRules

/// A `multipart/form-data` body (RFC 7578), as a browser sends a form with a file: its parts by
/// name. Just what the dashboard's upload forms need — text fields and files — with no nesting.
struct MultipartForm: Sendable {
    /// One part: its field name, the file name a browser gives a file, its media type, its bytes.
    struct Part: Sendable {
        var name: String
        var fileName: String?
        var contentType: String?
        var body: [UInt8]
    }

    var parts: [Part]

    /// The text of the first part named `name`.
    subscript(_ name: String) -> String? {
        parts.first { $0.name == name }.map { String(decoding: $0.body, as: UTF8.self) }
    }

    /// The first part named `name` that is a file (it has a file name).
    func file(_ name: String) -> Part? {
        parts.first { $0.name == name && $0.fileName != nil }
    }

    /// Every file chosen in the field `name` (an `<input type="file" multiple>`), empty ones left
    /// out: a browser sends one empty part when no file was chosen.
    func files(_ name: String) -> [Part] {
        parts.filter { $0.name == name && !($0.fileName ?? "").isEmpty && !$0.body.isEmpty }
    }

    /// The boundary of a `multipart/form-data; boundary=…` media type, or nil for any other type.
    static func boundary(ofContentType contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { String($0).trimmingBlanks() }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = piece.dropFirst("boundary=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return value.isEmpty || value.count > 70 ? nil : String(value)
        }
        return nil
    }

    /// Parses `body` whose parts are separated by `--boundary`; nil when it is not such a body.
    init?(body: [UInt8], boundary: String) {
        let delimiter = Array(("\r\n--" + boundary).utf8)
        // The first delimiter has no line end before it; search as if it had.
        let bytes = [0x0D, 0x0A] + body
        var parts: [Part] = []
        guard var start = Self.index(of: delimiter, in: bytes, from: 0) else { return nil }
        while true {
            var cursor = start + delimiter.count
            // `--` after a delimiter ends the body.
            if cursor + 1 < bytes.count, bytes[cursor] == UInt8(ascii: "-"), bytes[cursor + 1] == UInt8(ascii: "-") { break }
            guard cursor + 1 < bytes.count, bytes[cursor] == 0x0D, bytes[cursor + 1] == 0x0A else { return nil }
            cursor += 2
            guard let headerEnd = Self.index(of: [0x0D, 0x0A, 0x0D, 0x0A], in: bytes, from: cursor),
                let next = Self.index(of: delimiter, in: bytes, from: headerEnd + 4)
            else { return nil }
            let headers = String(decoding: bytes[cursor..<headerEnd], as: UTF8.self)
            guard let part = Self.part(headers: headers, body: Array(bytes[(headerEnd + 4)..<next])) else { return nil }
            parts.append(part)
            start = next
        }
        self.parts = parts
    }

    /// A part from its header lines: `Content-Disposition: form-data; name="…"; filename="…"`.
    static func part(headers: String, body: [UInt8]) -> Part? {
        var name: String?
        var fileName: String?
        var contentType: String?
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let field = String(pair[0]).trimmingBlanks().lowercased()
            let value = String(pair[1]).trimmingBlanks()
            if field == "content-type" { contentType = value }
            guard field == "content-disposition" else { continue }
            for parameter in value.split(separator: ";").dropFirst() {
                let kv = parameter.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { continue }
                var text = String(kv[1]).trimmingBlanks()
                if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
                switch String(kv[0]).trimmingBlanks().lowercased() {
                case "name": name = text
                case "filename": fileName = text
                default: break
                }
            }
        }
        guard let name else { return nil }
        return Part(name: name, fileName: fileName, contentType: contentType, body: body)
    }

    /// The first position of `needle` in `haystack` at or after `from`.
    static func index(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
