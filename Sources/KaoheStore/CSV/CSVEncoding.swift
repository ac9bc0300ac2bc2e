#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the bytes of a CSV file into UTF-8: UTF-8 as it is (a leading BOM dropped), otherwise
/// GB18030 converted with the C library's iconv (on Debian, glibc's gconv GB18030 module).
enum CSVEncoding {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func utf8(from bytes: [UInt8]) throws(CSVError) -> [UInt8] {
        var body = bytes[...]
        let hasBOM = body.starts(with: byteOrderMark)
        if hasBOM { body = body.dropFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw CSVError(
                line: 1,
                column: 1,
                rule: .encoding,
                message:
                    "文件是UTF-16编码(Excel的“Unicode文本”);请另存为“CSV UTF-8(逗号分隔)”或“CSV(逗号分隔)” / UTF-16 is not accepted: save as CSV UTF-8 or CSV"
            )
        }
        let utf8Valid = validUTF8Prefix(body)
        let result: [UInt8]
        if utf8Valid == body.count {
            result = Array(body)
        } else {
            // A BOM says UTF-8: then a bad byte is a bad byte, not a hint to try GB18030.
            let attempt = hasBOM ? .failure(ConversionFailure(inputOffset: 0, convertedPrefix: [])) : gb18030ToUTF8(bytes[...])
            switch attempt {
            case .success(let converted):
                result = converted
            case .failure(let failure):
                // Report where the attempt that got further stopped: a UTF-8 file with one bad
                // byte should be told about that byte, not where GB18030 gave up.
                let stopsAtUTF8 = body.startIndex + utf8Valid >= failure.inputOffset
                let prefix = stopsAtUTF8 ? Array(body.prefix(utf8Valid)) : failure.convertedPrefix
                let offset = stopsAtUTF8 ? body.startIndex + utf8Valid : failure.inputOffset
                let byte = offset < bytes.count ? bytes[offset] : 0
                let (line, column) = position(afterUTF8: prefix)
                throw CSVError(
                    line: line,
                    column: column,
                    rule: .encoding,
                    message:
                        "文件编码无法识别:第\(offset + 1)个字节(0x\(hex(byte)))既不是UTF-8也不是GB18030;请在Excel中另存为“CSV UTF-8(逗号分隔)” / byte \(offset + 1) (0x\(hex(byte))) is neither UTF-8 nor GB18030"
                )
            }
        }
        if let nul = result.firstIndex(of: 0) {
            let (line, column) = position(afterUTF8: Array(result[..<nul]))
            throw CSVError(
                line: line,
                column: column,
                rule: .encoding,
                message: "文件中有空字符(0x00),不是文本CSV文件 / the file holds a NUL byte: not a text CSV file"
            )
        }
        return result
    }

    /// How many leading bytes are valid UTF-8.
    static func validUTF8Prefix(_ bytes: ArraySlice<UInt8>) -> Int {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var count = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): count += UTF8.width(scalar)
            case .emptyInput: return count
            case .error: return count
            }
        }
    }

    struct ConversionFailure: Error {
        /// Offset of the first byte that could not be converted.
        var inputOffset: Int
        /// What was converted before it.
        var convertedPrefix: [UInt8]
    }

    /// Converts GB18030 to UTF-8 with iconv; on failure, where and what came before.
    static func gb18030ToUTF8(_ input: ArraySlice<UInt8>) -> Result<[UInt8], ConversionFailure> {
        let descriptor = iconv_open("UTF-8", "GB18030")
        guard let descriptor, descriptor != iconv_t(bitPattern: -1) else {
            return .failure(ConversionFailure(inputOffset: input.startIndex, convertedPrefix: []))
        }
        defer { iconv_close(descriptor) }
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var inputBytes = Array(input)
        var produced = 0
        var consumed = 0
        while true {
            var inputLeft = inputBytes.count - consumed
            var outputLeft = output.count - produced
            let (result, code) = inputBytes.withUnsafeMutableBufferPointer { inBuffer in
                output.withUnsafeMutableBufferPointer { outBuffer in
                    var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!.advanced(by: consumed))
                        .assumingMemoryBound(to: CChar.self)
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!.advanced(by: produced))
                        .assumingMemoryBound(to: CChar.self)
                    let result = iconv(descriptor, &inPointer, &inputLeft, &outPointer, &outputLeft)
                    return (result, errno)
                }
            }
            consumed = inputBytes.count - inputLeft
            produced = output.count - outputLeft
            if result != -1 { break }
            if code == E2BIG {
                output.append(contentsOf: repeatElement(0, count: output.count))
                continue
            }
            // EILSEQ (invalid sequence) or EINVAL (incomplete sequence at the end).
            return .failure(ConversionFailure(inputOffset: input.startIndex + consumed, convertedPrefix: Array(output[..<produced])))
        }
        inputBytes.removeAll()
        output.removeSubrange(produced...)
        return .success(output)
    }

    /// The 1-based line and column (field number) of the position right after `prefix` (UTF-8),
    /// following the same quoting rules as the parser.
    static func position(afterUTF8 prefix: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var inQuotes = false
        var index = prefix.startIndex
        if prefix.starts(with: byteOrderMark) { index += 3 }
        while index < prefix.endIndex {
            let byte = prefix[index]
            switch byte {
            case UInt8(ascii: "\""):
                inQuotes.toggle()
            case UInt8(ascii: ","):
                if !inQuotes { column += 1 }
            case UInt8(ascii: "\n"):
                line += 1
                if !inQuotes { column = 1 }
            case UInt8(ascii: "\r"):
                if index + 1 >= prefix.endIndex || prefix[index + 1] != UInt8(ascii: "\n") {
                    line += 1
                    if !inQuotes { column = 1 }
                }
            default:
                break
            }
            index += 1
        }
        return (line, column)
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
