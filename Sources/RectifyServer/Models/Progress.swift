import Fluent
import Foundation
import RectifyCore

/// 认领: a unit's acknowledgement of a task assigned to it.
final class TaskClaim: Model, @unchecked Sendable {
    static let schema = "task_claims"

    @ID(custom: .id) var id: Int?
    @Parent(key: "task_id") var task: TaskRecord
    @Parent(key: "unit_id") var unit: Unit
    @Parent(key: "user_id") var user: User
    @Field(key: "claimed_at") var claimedAt: Date

    init() {}
}

/// 调度: the office calls for reports by a due date; closing freezes its figures.
final class DispatchRound: Model, @unchecked Sendable {
    static let schema = "dispatch_rounds"

    @ID(custom: .id) var id: Int?
    @Parent(key: "region_code") var region: Region
    @Field(key: "name") var name: String
    @Field(key: "due_date") var dueDate: String
    @Parent(key: "opened_by") var openedBy: User
    @Field(key: "opened_at") var openedAt: Date
    @OptionalField(key: "closed_at") var closedAt: Date?
    /// The round's figures as they stood when it closed (JSON of `RoundFigures`).
    @OptionalField(key: "frozen_json") var frozenJSON: String?

    init() {}
}

enum ReportStatus: String, Labelled {
    case submitted, accepted, returned
    var label: String {
        switch self {
        case .submitted: "待审核"
        case .accepted: "已采纳"
        case .returned: "已退回"
        }
    }
}

/// 报账: a unit's report on a task.
final class ProgressReport: Model, @unchecked Sendable {
    static let schema = "progress_reports"

    @ID(custom: .id) var id: Int?
    @Parent(key: "task_id") var task: TaskRecord
    @Parent(key: "unit_id") var unit: Unit
    @Parent(key: "author_id") var author: User
    @OptionalParent(key: "round_id") var round: DispatchRound?
    @Field(key: "narrative") var narrative: String
    @OptionalField(key: "percent") var percent: Int?
    /// Descriptions of milestones reached, one per line.
    @Field(key: "milestones_reached") var milestonesReached: String
    @Field(key: "difficulties") var difficulties: String
    @Field(key: "next_steps") var nextSteps: String
    @Field(key: "status") var status: ReportStatus
    @OptionalField(key: "review_reason") var reviewReason: String?
    @OptionalParent(key: "reviewer_id") var reviewer: User?
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?
    @Field(key: "submitted_at") var submittedAt: Date
    /// The returned report this one revises.
    @OptionalParent(key: "revises_id") var revises: ProgressReport?

    init() {}

}
