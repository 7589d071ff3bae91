// What the credential loaders accept as a key id, secret or session token,
// so that a mistake (a stray quote, an inline comment, a line break) is
// caught where it is written, not as a signature the server refuses.
#ifndef SPOTBURST_EC2_CREDENTIAL_VALUE_H_
#define SPOTBURST_EC2_CREDENTIAL_VALUE_H_

#include <string>
#include <string_view>

namespace spotburst::ec2 {

enum class CredentialPart { kAccessKeyId, kSecretAccessKey, kSessionToken };

// Empty when `value` can be that part; otherwise what is wrong with it,
// e.g. "empty", "holds whitespace", never quoting the value. Key ids are
// letters and digits; secrets and tokens printable ASCII without spaces.
std::string CredentialValueProblem(CredentialPart part, std::string_view value);

}  // namespace spotburst::ec2

#endif  // SPOTBURST_EC2_CREDENTIAL_VALUE_H_
