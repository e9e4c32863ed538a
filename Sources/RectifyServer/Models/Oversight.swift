import Fluent
import Foundation
import RectifyCore

/// 延期申请. The task keeps its original deadline on record.
final class ExtensionRequest: Model, @unchecked Sendable {
    static let schema = "extension_requests"

    @ID(custom: .id) var id: Int?
    @Parent(key: "task_id") var task: TaskRecord
    @Parent(key: "unit_id") var unit: Unit
    @Parent(key: "requested_by") var requestedBy: User
    @OptionalField(key: "previous_deadline") var previousDeadline: String?
    @Field(key: "requested_deadline") var requestedDeadline: String
    @Field(key: "reason") var reason: String
    @Field(key: "status") var status: ExtensionStatus
    @OptionalParent(key: "decided_by") var decidedBy: User?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decision_note") var decisionNote: String?
    @Field(key: "requested_at") var requestedAt: Date

    init() {}
}

/// 督办单, numbered per office (region) and year: 督办〔2024〕12号.
final class SupervisionOrder: Model, @unchecked Sendable {
    static let schema = "supervision_orders"

    @ID(custom: .id) var id: Int?
    @Parent(key: "region_code") var region: Region
    @Field(key: "year") var year: Int
    @Field(key: "seq") var seq: Int
    @Field(key: "level") var level: OversightService.Level
    @Parent(key: "unit_id") var unit: Unit
    @Field(key: "reason") var reason: String
    @Field(key: "reply_by") var replyBy: String
    @Parent(key: "issued_by") var issuedBy: User
    @Field(key: "issued_at") var issuedAt: Date
    @OptionalField(key: "reply_text") var replyText: String?
    @OptionalParent(key: "replied_by") var repliedBy: User?
    @OptionalField(key: "replied_at") var repliedAt: Date?
    @OptionalParent(key: "closed_by") var closedBy: User?
    @OptionalField(key: "closed_at") var closedAt: Date?

    init() {}
}

final class SupervisionOrderTask: Model, @unchecked Sendable {
    static let schema = "supervision_order_tasks"

    @ID(custom: .id) var id: Int?
    @Parent(key: "order_id") var order: SupervisionOrder
    @Parent(key: "task_id") var task: TaskRecord

    init() {}
}

enum TaskEntryKind: String, Labelled {
    case completion, verification, acceptance, notice, objection, lookBack, instruction
    var label: String {
        switch self {
        case .completion: "申请验收"
        case .verification: "现场核查"
        case .acceptance: "验收意见"
        case .notice: "公示"
        case .objection: "公示异议"
        case .lookBack: "回头看"
        case .instruction: "领导批示"
        }
    }
}

/// Something recorded against a task: an on-site check (date, people, findings), an
/// acceptance opinion (verdict), a public notice (start, end, text), an objection to a
/// notice (received date, content, answer, upheld or not), a look-back (date, result,
/// findings) or a leader's instruction.
final class TaskEntry: Model, @unchecked Sendable {
    static let schema = "task_entries"

    @ID(custom: .id) var id: Int?
    @Parent(key: "task_id") var task: TaskRecord
    @Field(key: "kind") var kind: TaskEntryKind
    @OptionalField(key: "on_date") var onDate: String?
    @OptionalField(key: "until_date") var untilDate: String?
    @Field(key: "people") var people: String
    @Field(key: "text") var text: String
    @OptionalField(key: "verdict") var verdict: EntryVerdict?
    @OptionalParent(key: "parent_id") var parent: TaskEntry?
    @OptionalField(key: "answer") var answer: String?
    @OptionalParent(key: "answered_by") var answeredBy: User?
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @Parent(key: "user_id") var user: User
    @Field(key: "created_at") var createdAt: Date
    /// Which step of an acceptance chain an acceptance record is of (migration 022).
    @OptionalField(key: "step") var step: String?

    init() {}

    init(taskID: Int, kind: TaskEntryKind, userID: Int, text: String, onDate: String? = nil, untilDate: String? = nil,
         people: String = "", verdict: EntryVerdict? = nil, parentID: Int? = nil, now: Date) {
        self.$task.id = taskID
        self.kind = kind
        self.$user.id = userID
        self.text = text
        self.onDate = onDate
        self.untilDate = untilDate
        self.people = people
        self.verdict = verdict
        self.$parent.id = parentID
        self.createdAt = now
    }

}
