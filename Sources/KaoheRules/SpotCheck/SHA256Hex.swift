import Crypto

/// `H(x)`: lowercase hex of SHA-256 of the UTF-8 bytes of `x` (as `consistent_sampler.sha256_hex`).
func sha256Hex(_ text: String) -> String {
    hex(SHA256.hash(data: Array(text.utf8)))
}

/// SHA-256 of the UTF-8 bytes of `text`, raw.
func sha256Bytes(_ text: String) -> [UInt8] {
    Array(SHA256.hash(data: Array(text.utf8)))
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Lowercase hex of the bytes.
func hex(_ bytes: some Sequence<UInt8>) -> String {
    var out = [UInt8]()
    out.reserveCapacity(64)
    for byte in bytes {
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}
