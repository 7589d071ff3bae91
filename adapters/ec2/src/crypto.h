// SHA-256 and HMAC-SHA256 over OpenSSL's EVP interface, for SigV4.
//
// OpenSSL fails these only when it cannot allocate memory; like a failed
// `new`, that ends the program rather than every caller checking for it.
#ifndef SPOTBURST_EC2_CRYPTO_H_
#define SPOTBURST_EC2_CRYPTO_H_

#include <string>
#include <string_view>

namespace spotburst::ec2 {

// The 32 raw bytes of SHA-256(data).
std::string Sha256(std::string_view data);

// Lower-case hex of SHA-256(data), as SigV4 hashes payloads and requests.
std::string Sha256Hex(std::string_view data);

// The 32 raw bytes of HMAC-SHA256(key, data).
std::string HmacSha256(std::string_view key, std::string_view data);

// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);

}  // namespace spotburst::ec2

#endif  // SPOTBURST_EC2_CRYPTO_H_
