public import Hummingbird
import NIOCore
public import Spreadsheets

extension Sheet {
    /// The sheet as a download in `format`, named `baseName` plus the format's extension (Chinese
    /// names are sent RFC 6266/5987-encoded, with an ASCII fallback for old clients).
    public func download(_ format: SheetFormat, named baseName: String) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        headers[.contentDisposition] = Self.contentDisposition(baseName + "." + format.fileExtension)
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try format.bytes(of: self))))
    }

    static func contentDisposition(_ fileName: String) -> String {
        let ascii = String(fileName.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
        var encoded = ""
        for byte in fileName.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                encoded.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                encoded += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
            }
        }
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
