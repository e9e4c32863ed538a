import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

/// The task page (issue 4 §2): every field, units by role, milestones, both deadlines,
/// the timeline, reports, records, evidence, and exactly the forms this user may use now.
struct TaskPageModel {
    struct Report { let id: Int; let unit: String; let narrative: String; let percent: Int?; let difficulties: String
        let nextSteps: String; let status: String; let reason: String?; let submittedAt: Date }
    struct Entry { let id: Int; let kind: String; let onDate: String?; let untilDate: String?; let people: String
        let text: String; let verdict: String?; let answer: String?; let parentID: Int?
        /// Who made an objection online: only ever filled for the office.
        let contact: String?
        /// The acceptance step an acceptance record is of (县级初验…).
        let step: String? }
    struct Extension { let id: Int; let unit: String; let requested: String; let previous: String?; let reason: String
        let status: String; let note: String? }
    struct Event { let at: String; let who: String; let action: String }
    struct Evidence { let id: Int; let name: String; let size: Int; let isPublic: Bool }

    let detail: TaskAPI.Detail
    let inspectionTitle: String
    let problems: [(Int, String)]
    let reports: [Report]
    let entries: [Entry]
    let extensions: [Extension]
    let events: [Event]
    let evidence: [Evidence]
    let orders: [(String, String)]
    /// Petition cases linked to the task (id, number, place, status label).
    let cases: [(Int, String, String, String)]
    /// What the page may offer this user beyond the lifecycle's actions.
    let canReport: Bool
    let canReview: Bool
    let isOffice: Bool
    let isLeader: Bool
    let canUpload: Bool
    let today: LocalDate
    /// The task this one was split from (issue 14), and every sub-task the roll-up counts.
    let parent: TaskSheet.Parent?
    let subtasks: [SubtaskRollup.Row]
    /// For the office's split form: units of the task's region and below (id, name).
    let splitUnits: [(Int, String)]
    /// The task's problems (id, number) and their lineage across inspections (issue 14 §4).
    let problemIDs: [(Int, Int)]
    let lineage: [TaskQueries.Records.Lineage]
    /// For the office's link form: earlier inspections with problems it may link to (id, label).
    let linkCandidates: [(Int, String)]
    /// 核减 in words, when the task was taken out of the approved plan (issue 15 §1).
    var withdrawal: String? = nil
}
