import Fluent
import Foundation

final class ApiToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(custom: .id) var id: Int?
    @Parent(key: "user_id") var user: User
    @Field(key: "name") var name: String
    /// SHA-256 of the token, hex; the token itself is shown once and never stored.
    @Field(key: "token_hash") var tokenHash: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @Field(key: "revoked") var revoked: Bool

    init() {}

    init(userID: Int, name: String, tokenHash: String) {
        self.$user.id = userID
        self.name = name
        self.tokenHash = tokenHash
        self.revoked = false
    }
}
