public import Foundation

/// An element type of a one-dimensional PostgreSQL array.
public protocol PostgresArrayElement: PostgresEncodable, PostgresDecodable {
    /// The array type, e.g. `text[]` for `String`.
    static var postgresArrayDataType: PostgresDataType { get }
    /// The type of one element as the server reports it inside the array.
    static var postgresElementDataType: PostgresDataType { get }
}

/// A one-dimensional array parameter or column, e.g. `WHERE code = ANY(\(PostgresArray(codes)))`.
///
/// (A wrapper rather than a conformance of `Array` itself, because `[UInt8]` is `bytea`.)
public struct PostgresArray<Element: PostgresArrayElement>: Sendable, PostgresEncodable, PostgresDecodable {
    /// The elements; `nil` is a NULL element.
    public var elements: [Element?]

    /// Wraps the elements.
    public init(_ elements: [Element?]) { self.elements = elements }

    /// Wraps elements none of which is NULL.
    public init(_ elements: [Element]) { self.elements = elements.map(Optional.some) }

    /// The array type of `Element`.
    public static var postgresDataType: PostgresDataType { Element.postgresArrayDataType }

    /// The array literal: `{"a","b",NULL}`, every element quoted and escaped.
    public func encodePostgresText(into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "{"))
        if let strings = elements as? [String?] {
            // Text arrays carry whole columns of a roster: copy each string's bytes at once unless
            // it holds a quote or backslash, instead of going through a scratch buffer byte by byte.
            for (index, element) in strings.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                guard let element else {
                    buffer.append(contentsOf: "NULL".utf8)
                    continue
                }
                buffer.append(UInt8(ascii: "\""))
                let utf8 = element.utf8
                if utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                    for byte in utf8 {
                        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { buffer.append(UInt8(ascii: "\\")) }
                        buffer.append(byte)
                    }
                } else {
                    buffer.append(contentsOf: utf8)
                }
                buffer.append(UInt8(ascii: "\""))
            }
            buffer.append(UInt8(ascii: "}"))
            return
        }
        var scratch: [UInt8] = []
        for (index, element) in elements.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            guard let element else {
                buffer.append(contentsOf: "NULL".utf8)
                continue
            }
            scratch.removeAll(keepingCapacity: true)
            element.encodePostgresText(into: &scratch)
            buffer.append(UInt8(ascii: "\""))
            for byte in scratch {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { buffer.append(UInt8(ascii: "\\")) }
                buffer.append(byte)
            }
            buffer.append(UInt8(ascii: "\""))
        }
        buffer.append(UInt8(ascii: "}"))
    }

    /// From a one-dimensional array column of `Element`'s array type (or an empty array).
    public init(postgresValue value: PostgresValue) throws {
        try value.require(Element.postgresArrayDataType, decoding: PostgresArray<Element>.self)
        guard let items = ArrayText.split(value.bytes) else { throw value.malformed(PostgresArray<Element>.self) }
        self.elements = try items.map { item in
            guard let item else { return nil }
            return try Element(postgresValue: PostgresValue(dataType: Element.postgresElementDataType, bytes: item[...]))
        }
    }
}

/// The text form of one-dimensional arrays: `{a,"b c",NULL}`.
enum ArrayText {
    /// The elements' unescaped bytes, `nil` for NULL; `nil` overall when malformed or multi-dimensional.
    static func split(_ text: ArraySlice<UInt8>) -> [[UInt8]?]? {
        var i = text.startIndex
        let end = text.endIndex
        // An explicit lower bound (`[0:2]={…}`) only appears for unusual arrays; not supported.
        guard i < end, text[i] == UInt8(ascii: "{"), text.last == UInt8(ascii: "}") else { return nil }
        i += 1
        var items: [[UInt8]?] = []
        if text[i] == UInt8(ascii: "}") { return items }
        while i < end {
            var item: [UInt8] = []
            if text[i] == UInt8(ascii: "\"") {
                i += 1
                while i < end, text[i] != UInt8(ascii: "\"") {
                    if text[i] == UInt8(ascii: "\\") { i += 1 }
                    guard i < end else { return nil }
                    item.append(text[i])
                    i += 1
                }
                guard i < end else { return nil }
                i += 1
                items.append(item)
            } else {
                guard text[i] != UInt8(ascii: "{") else { return nil }
                while i < end, text[i] != UInt8(ascii: ","), text[i] != UInt8(ascii: "}") {
                    item.append(text[i])
                    i += 1
                }
                items.append(item.elementsEqual("NULL".utf8) ? nil : item)
            }
            guard i < end else { return nil }
            if text[i] == UInt8(ascii: "}") { return i + 1 == end ? items : nil }
            guard text[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
        return nil
    }
}

extension String: PostgresArrayElement {
    /// `text[]`
    public static var postgresArrayDataType: PostgresDataType { .textArray }
    /// `text`
    public static var postgresElementDataType: PostgresDataType { .text }
}

extension Int: PostgresArrayElement {
    /// `bigint[]`
    public static var postgresArrayDataType: PostgresDataType { .int8Array }
    /// `bigint`
    public static var postgresElementDataType: PostgresDataType { .int8 }
}

extension Int64: PostgresArrayElement {
    /// `bigint[]`
    public static var postgresArrayDataType: PostgresDataType { .int8Array }
    /// `bigint`
    public static var postgresElementDataType: PostgresDataType { .int8 }
}

extension Int32: PostgresArrayElement {
    /// `integer[]`
    public static var postgresArrayDataType: PostgresDataType { .int4Array }
    /// `integer`
    public static var postgresElementDataType: PostgresDataType { .int4 }
}

extension Double: PostgresArrayElement {
    /// `double precision[]`
    public static var postgresArrayDataType: PostgresDataType { .float8Array }
    /// `double precision`
    public static var postgresElementDataType: PostgresDataType { .float8 }
}

extension Bool: PostgresArrayElement {
    /// `boolean[]`
    public static var postgresArrayDataType: PostgresDataType { .boolArray }
    /// `boolean`
    public static var postgresElementDataType: PostgresDataType { .bool }
}

extension Decimal: PostgresArrayElement {
    /// `numeric[]`
    public static var postgresArrayDataType: PostgresDataType { .numericArray }
    /// `numeric`
    public static var postgresElementDataType: PostgresDataType { .numeric }
}

extension UUID: PostgresArrayElement {
    /// `uuid[]`
    public static var postgresArrayDataType: PostgresDataType { .uuidArray }
    /// `uuid`
    public static var postgresElementDataType: PostgresDataType { .uuid }
}

extension Date: PostgresArrayElement {
    /// `timestamptz[]`
    public static var postgresArrayDataType: PostgresDataType { .timestamptzArray }
    /// `timestamptz`
    public static var postgresElementDataType: PostgresDataType { .timestamptz }
}
