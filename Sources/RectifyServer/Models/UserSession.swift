import Fluent
import Foundation

/// One signed-in browser (see M016).
final class UserSession: Model, @unchecked Sendable {
    static let schema = "user_sessions"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Parent(key: "user_id") var user: User
    /// JSON object of strings: the CSRF token, a one-time message, an import in preview.
    @Field(key: "data") var data: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date

    init() {}
}
