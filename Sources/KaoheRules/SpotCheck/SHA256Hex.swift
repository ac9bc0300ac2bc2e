import Crypto

/// `H(x)`: lowercase hex of SHA-256 of the UTF-8 bytes of `x` (as `consistent_sampler.sha256_hex`).
func sha256Hex(_ text: String) -> String {
    Hex.sha256(text)
}

/// SHA-256 of the UTF-8 bytes of `text`, raw.
func sha256Bytes(_ text: String) -> [UInt8] {
    Array(SHA256.hash(data: Array(text.utf8)))
}
