import Fluent
import Foundation

/// One change, as 留痕 keeps it: append-only, chained to the previous event by SHA-256.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(custom: .id) var id: Int?
    /// ISO 8601 instant with milliseconds, as text so the hash input is exact on every database.
    @Field(key: "at") var at: String
    @OptionalField(key: "user_id") var userID: Int?
    @Field(key: "user_name") var userName: String
    @Field(key: "action") var action: String
    @Field(key: "record_type") var recordType: String
    @Field(key: "record_id") var recordID: Int
    @OptionalField(key: "task_id") var taskID: Int?
    @OptionalField(key: "before_json") var beforeJSON: String?
    @OptionalField(key: "after_json") var afterJSON: String?
    @Field(key: "prev_hash") var prevHash: String
    @Field(key: "hash") var hash: String

    init() {}
}
