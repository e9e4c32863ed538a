import Fluent
import Foundation
import RectifyCore

/// 整改任务. Named TaskRecord rather than Task because `Task` is Swift's
/// concurrency type and shadowing it in the server would confuse every reader.
final class TaskRecord: Model, @unchecked Sendable {
    static let schema = "tasks"

    @ID(custom: .id) var id: Int?
    @Parent(key: "inspection_id") var inspection: Inspection
    @Field(key: "number") var number: Int
    @Field(key: "title") var title: String
    @Field(key: "target") var target: String
    @Field(key: "measures") var measures: String
    @Field(key: "kind") var kind: TaskKind
    @OptionalField(key: "deadline") var deadline: String?
    @Field(key: "lead_official") var leadOfficial: String
    @OptionalParent(key: "parent_task_id") var parentTask: TaskRecord?
    @Field(key: "typical") var typical: Bool
    @Field(key: "state") var state: TaskState
    /// 完成情况: the public status word last recorded for the task.
    @OptionalField(key: "progress_status") var progressStatus: PublicStatus?
    /// 备注: free notes, e.g. where demo data had to fill a gap in the source text.
    @Field(key: "remarks") var remarks: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    // Lifecycle (migration 009).
    @Field(key: "basically_completed") var basicallyCompleted: Bool
    @Field(key: "rebound_count") var reboundCount: Int
    @OptionalField(key: "original_deadline") var originalDeadline: String?
    /// Bumped on every change; a save carrying an older version is refused.
    @Field(key: "version") var version: Int
    @OptionalParent(key: "updated_by") var updatedBy: User?
    /// The warning light as last computed (nil for finished tasks).
    @OptionalField(key: "light") var light: WarningLight?
    /// The inspection's target region, copied here for subtree filters by code range.
    @OptionalField(key: "region_code") var regionCode: Int?
    @OptionalField(key: "assigned_on") var assignedOn: String?
    /// Since when the light has been what it is (migration 014).
    @OptionalField(key: "light_since") var lightSince: String?
    // Sub-tasks (migration 021, issue 14).
    /// The number people read: 22, or 22-3 for a sub-task.
    @OptionalField(key: "code") var code: String?
    @Field(key: "depth") var depth: Int
    @OptionalField(key: "parent_region_code") var parentRegionCode: Int?
    @Field(key: "subtasks_total") var subtasksTotal: Int
    @Field(key: "subtasks_open") var subtasksOpen: Int
    @OptionalField(key: "rolled_percent") var rolledPercent: Int?
    /// Acceptance steps of its inspection's chain passed since it was last submitted (migration 022).
    @Field(key: "acceptance_step") var acceptanceStep: Int

    @Children(for: \.$task) var assignments: [TaskUnit]
    @Children(for: \.$task) var milestones: [TaskMilestone]
    @Children(for: \.$task) var tags: [TaskTag]

    init() {}

    init(inspectionID: Int, _ d: TaskDraft, state: TaskState, remarks: String) {
        self.$inspection.id = inspectionID
        self.number = d.number
        self.title = d.title
        self.target = d.target
        self.measures = d.measures
        self.kind = d.kind
        self.deadline = d.deadline?.iso
        self.leadOfficial = d.leadOfficial
        self.$parentTask.id = d.parentTaskID
        self.typical = d.typical
        self.state = state
        self.progressStatus = d.progressStatus
        self.remarks = remarks
        self.basicallyCompleted = false
        self.reboundCount = 0
        self.originalDeadline = d.deadline?.iso
        self.version = 1
        self.depth = 0
        self.subtasksTotal = 0
        self.subtasksOpen = 0
        self.acceptanceStep = 0
    }

    /// The number people read (编号).
    var displayCode: String { code ?? String(number) }

}

/// A unit's assignment to a task, in one role.
final class TaskUnit: Model, @unchecked Sendable {
    static let schema = "task_units"

    @ID(custom: .id) var id: Int?
    @Parent(key: "task_id") var task: TaskRecord
    @Parent(key: "unit_id") var unit: Unit
    @Field(key: "role") var role: String

    init() {}

    init(taskID: Int, _ a: UnitAssignment) {
        self.$task.id = taskID
        self.$unit.id = a.unitID
        self.role = a.role.rawValue
    }
}

final class TaskProblem: Model, @unchecked Sendable {
    static let schema = "task_problems"

    @ID(custom: .id) var id: Int?
    @Parent(key: "task_id") var task: TaskRecord
    @Parent(key: "problem_id") var problem: Problem

    init() {}

    init(taskID: Int, problemID: Int) {
        self.$task.id = taskID
        self.$problem.id = problemID
    }
}

/// 阶段目标 / 时间节点.
final class TaskMilestone: Model, @unchecked Sendable {
    static let schema = "task_milestones"

    @ID(custom: .id) var id: Int?
    @Parent(key: "task_id") var task: TaskRecord
    @Field(key: "date") var date: String
    @Field(key: "description") var description: String
    @OptionalField(key: "reached_on") var reachedOn: String?

    init() {}

    init(taskID: Int, _ m: Milestone) {
        self.$task.id = taskID
        self.date = m.date.iso
        self.description = m.description
    }
}

final class TaskTag: Model, @unchecked Sendable {
    static let schema = "task_tags"

    @ID(custom: .id) var id: Int?
    @Parent(key: "task_id") var task: TaskRecord
    @Field(key: "tag") var tag: String

    init() {}

    init(taskID: Int, tag: DomainTag) {
        self.$task.id = taskID
        self.tag = tag.rawValue
    }
}
