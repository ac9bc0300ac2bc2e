public import Foundation

extension UUID: PostgresEncodable, PostgresDecodable {
    /// Sent as `uuid`.
    public static var postgresDataType: PostgresDataType { .uuid }

    /// The canonical 8-4-4-4-12 form.
    public func encodePostgresText(into buffer: inout [UInt8]) { buffer.append(contentsOf: uuidString.utf8) }

    /// From `uuid` (or text holding one).
    public init(postgresValue value: PostgresValue) throws {
        try value.require(.uuid, .text, .varchar, .bpchar, decoding: UUID.self)
        guard let parsed = UUID(uuidString: value.string) else { throw value.malformed(UUID.self) }
        self = parsed
    }
}
