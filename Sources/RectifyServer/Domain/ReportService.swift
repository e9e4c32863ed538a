import Fluent
import SQLKit
import Foundation
import RectifyCore
import Vapor

/// 报账 and 调度 (issue 3 §3).
struct ReportService {
    let lifecycle: LifecycleService
    var db: any Database { lifecycle.db }
    var access: Access { lifecycle.access }

    struct NewReport: Content {
        var narrative: String
        var percent: Int?
        /// IDs of this task's milestones the unit says it has reached.
        var milestonesReached: [Int]?
        var difficulties: String?
        var nextSteps: String?
        /// The returned report this one revises.
        var revises: Int?
    }

    struct Review: Content {
        /// "accept" or "return".
        var decision: String
        var reason: String?
    }

    func submit(taskID: Int, _ r: NewReport) async throws -> ProgressReport {
        try await db.writeTransaction { tx in
            let view = try await lifecycle.load(taskID, on: tx, expectedVersion: nil)
            guard access.roles.contains(.unit), access.unitRoles(on: view).contains(.responsible), let unitID = access.unitID else {
                throw AppError(status: .forbidden, code: "report.forbidden", message: "只有任务的责任单位可以报送进展")
            }
            guard TaskState.inWork.contains(view.task.state) else {
                throw AppError(status: .conflict, code: "report.taskNotOpen", message: "任务当前为“\(view.task.state.label)”,不需要报送进展")
            }
            var v: [Violation] = []
            if r.narrative.allSatisfy(\.isWhitespace) { v.append(.init("report.narrativeRequired", field: "narrative", "请填写进展情况")) }
            if let p = r.percent, !(0...100).contains(p) { v.append(.init("report.percentInvalid", field: "percent", "完成比例应为 0 至 100")) }
            let milestoneIDs = Set(try await TaskMilestone.query(on: tx).filter(\.$task.$id == taskID).all().compactMap(\.id))
            if let reached = r.milestonesReached, !Set(reached).isSubset(of: milestoneIDs) {
                v.append(.init("report.milestoneUnknown", field: "milestonesReached", "所选阶段目标不属于本任务"))
            }
            if let revises = r.revises {
                let original = try await ProgressReport.find(revises, on: tx)
                if original?.$task.id != taskID || original?.status != .returned {
                    v.append(.init("report.revisesInvalid", field: "revises", "只能修改本任务被退回的报告"))
                }
            }
            try v.throwIfAny()
            let now = lifecycle.clock.now()
            let report = ProgressReport()
            report.$task.id = taskID
            report.$unit.id = unitID
            report.$author.id = access.userID
            report.$round.id = try await RoundService.openRound(covering: view, on: tx)?.id
            report.narrative = r.narrative
            report.percent = r.percent
            report.milestonesReached = (r.milestonesReached ?? []).map(String.init).joined(separator: ",")
            report.difficulties = r.difficulties ?? ""
            report.nextSteps = r.nextSteps ?? ""
            report.status = ReportStatus.submitted
            report.submittedAt = now
            report.$revises.id = r.revises
            try await report.create(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .reportSubmit, recordType: "progress_report",
                                   recordID: try report.requireID(), taskID: taskID, before: Optional<String>.none,
                                   after: ReportSnapshot(report), now: now)
            return report
        }
    }

    func review(reportID: Int, _ r: Review) async throws -> ProgressReport {
        try await db.writeTransaction { tx in
            guard let report = try await ProgressReport.find(reportID, on: tx) else { throw AppError.notFound }
            let view = try await lifecycle.load(report.$task.id, on: tx, expectedVersion: nil)
            guard access.isOffice(over: view) else {
                throw AppError(status: .forbidden, code: "report.reviewForbidden", message: "只有本地区整改办可以审核进展报告")
            }
            guard report.status == .submitted else {
                throw AppError(status: .conflict, code: "report.alreadyReviewed", message: "该报告已审核(\(report.status.label))")
            }
            let before = ReportSnapshot(report)
            let now = lifecycle.clock.now()
            switch r.decision {
            case "accept":
                report.status = ReportStatus.accepted
            case "return":
                guard let reason = r.reason, !reason.allSatisfy(\.isWhitespace) else {
                    throw AppError(status: .unprocessableEntity, code: "report.reasonRequired", message: "退回报告须说明理由")
                }
                report.status = ReportStatus.returned
                report.reviewReason = reason
            default:
                throw AppError(status: .unprocessableEntity, code: "report.decisionInvalid", message: "审核结论应为 accept(采纳)或 return(退回)")
            }
            report.$reviewer.id = access.userID
            report.reviewedAt = now
            try await report.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: r.decision == "accept" ? .reportAccept : .reportReturn, recordType: "progress_report",
                                   recordID: reportID, taskID: report.$task.id, before: before, after: ReportSnapshot(report), now: now)
            if report.status == .accepted {
                // An accepted report moves the task: milestones reached, progress, light.
                let reached = report.milestonesReached.split(separator: ",").compactMap { Int($0) }
                if !reached.isEmpty {
                    for m in try await TaskMilestone.query(on: tx).filter(\.$id ~~ reached).filter(\.$reachedOn == nil).all() {
                        m.reachedOn = lifecycle.today.iso
                        try await m.save(on: tx)
                    }
                }
                let task = view.task
                let snapshot = TaskSnapshot(task)
                try await lifecycle.commit(task, before: snapshot, action: .reportAccepted, on: tx)
            } else {
                try await Notifier.emit(NotificationEvent(
                    kind: .reportReturned, title: "\(Notifier.taskLine(view.task)):进展报送被退回",
                    body: "退回理由:\(report.reviewReason ?? "")。请修改后重新报送。",
                    link: SiteURL.task(view.id).path, taskID: view.id, regionCode: view.task.regionCode,
                    dedupe: "reportReturned:\(reportID)",
                    recipients: try await Notifier.users(ofUnits: [report.$unit.id], role: .unit, on: tx)), on: tx, now: now)
            }
            return report
        }
    }
}

struct ReportSnapshot: Codable {
    let status: String
    let narrative: String
    let percent: Int?
    let reviewReason: String?
    let roundID: Int?
    let revises: Int?
    init(_ r: ProgressReport) {
        status = r.status.rawValue
        narrative = r.narrative
        percent = r.percent
        reviewReason = r.reviewReason
        roundID = r.$round.id
        revises = r.$revises.id
    }
}

/// A dispatch round's figures: who owed a report on which task, and whether it came,
/// came late or is missing. Frozen as JSON when the round closes.
struct RoundFigures: Content, Equatable {
    struct Row: Content, Equatable {
        let unitID: Int
        let unitName: String
        let taskID: Int
        let taskNumber: Int
        let taskTitle: String
        let status: RoundRowStatus
        let reportID: Int?
        let submittedAt: String?
    }
    let roundID: Int
    let name: String
    let dueDate: String
    let closed: Bool
    let owed: Int
    let reported: Int
    let late: Int
    let missing: Int
    let rows: [Row]
    /// At close: each inspection's top-level tasks in the round's region by public
    /// status (inspection id → status → count), for the official report of that round.
    var statusCounts: [String: [String: Int]]? = nil
    /// At close: each inspection's petition figures over the cases in the round's region
    /// (inspection id → figures); absent for rounds closed before cases were counted.
    var petitions: [String: PetitionFigures]? = nil
    /// The petition cases in the round's region that owed a report of their handling
    /// (issue 13 §5): every case not concluded when the round opened, and every case
    /// handed over during it. Reported when its handling was first reported after the
    /// round opened; late when that first report came after the due date.
    var cases: [CaseRow]? = nil

    struct CaseRow: Content, Equatable {
        let caseID: Int
        let caseNumber: String
        let place: String
        let units: String
        let status: RoundRowStatus
    }
}

enum RoundService {
    /// The tasks a round of `range` asks about (issue 14 §3): those of its own level, i.e. not
    /// split further (a split task's figures roll up from its parts) and not split from a task
    /// of the same region (those parts answer the lower level's own round; this one reads
    /// their latest figures through the roll-up instead of asking twice) — unless split among
    /// units of the round's own region itself (a province's task split to its departments). Alias `t`.
    static func ownLevel(_ range: ClosedRange<Int>) -> SQLQueryString {
        "t.subtasks_total = 0 AND (t.parent_region_code IS NULL OR t.parent_region_code NOT BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound) OR (t.parent_region_code = t.region_code AND t.region_code = \(bind: range.lowerBound)))"
    }

    struct NewRound: Content {
        var name: String
        var dueDate: LocalDate
        /// The office's region by default.
        var regionCode: Int?
    }

    /// The most recently opened round still open whose region covers the task.
    static func openRound(covering view: TaskView, on db: any Database) async throws -> DispatchRound? {
        let open = try await DispatchRound.query(on: db).filter(\.$closedAt == nil).sort(\.$openedAt, .descending).all()
        return open.first { round in view.regionCodes.contains { Access.subtree(of: round.$region.id).contains($0) } }
    }

    static func open(_ r: NewRound, lifecycle: LifecycleService) async throws -> DispatchRound {
        let access = lifecycle.access
        guard let region = r.regionCode ?? access.regionCode,
              access.oversees([region], as: .office), access.isAdmin || access.oversight?.contains(region) == true else {
            throw AppError(status: .forbidden, code: "round.forbidden", message: "只有整改办可以在本地区发起调度")
        }
        if r.name.allSatisfy(\.isWhitespace) {
            throw ValidationFailure([.init("round.nameRequired", field: "name", "请填写调度名称,如“2018年第13次调度”")])
        }
        return try await lifecycle.db.writeTransaction { tx in
            let round = DispatchRound()
            round.$region.id = region
            round.name = r.name
            round.dueDate = r.dueDate.iso
            round.$openedBy.id = access.userID
            round.openedAt = lifecycle.clock.now()
            try await round.create(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .roundOpen, recordType: "dispatch_round",
                                   recordID: try round.requireID(), taskID: nil, before: Optional<String>.none,
                                   after: ["name": r.name, "dueDate": r.dueDate.iso], now: round.openedAt)
            return round
        }
    }

    /// Offices and leaders over the round's region may read it (others get 404);
    /// only the office may change it (a leader gets 403).
    static func authorize(_ round: DispatchRound, _ access: Access, write: Bool) throws {
        let region = [round.$region.id]
        guard access.oversees(region, as: .office) || access.oversees(region, as: .leader) else { throw AppError.notFound }
        if write, !access.oversees(region, as: .office) { throw AppError.forbidden }
    }

    /// The round's figures: frozen ones once closed, computed from the ledger while open.
    static func figures(_ round: DispatchRound, on db: any Database) async throws -> RoundFigures {
        if let frozen = round.frozenJSON, let data = frozen.data(using: .utf8) {
            return try JSONDecoder().decode(RoundFigures.self, from: data)
        }
        return try await compute(round, on: db)
    }

    static func compute(_ round: DispatchRound, on db: any Database) async throws -> RoundFigures {
        let id = try round.requireID()
        let range = Access.subtree(of: round.$region.id)
        let tasks = try await TaskRecord.query(on: db).filter(\.$state ~~ TaskState.inWork)
            .filter(\.$regionCode >= range.lowerBound).filter(\.$regionCode <= range.upperBound)
            .filter(\.$subtasksTotal == 0)
            .group(.or) { or in
                or.filter(\.$parentRegionCode == nil).filter(\.$parentRegionCode < range.lowerBound)
                    .filter(\.$parentRegionCode > range.upperBound)
                    // Split among units of the round's own region (a province's departments): its own level too.
                    .group(.and) { $0.filter(\.$parentRegionCode == range.lowerBound).filter(\.$regionCode == range.lowerBound) }
            }
            .sort(\.$inspection.$id).sort(\.$number).all()
        let taskIDs = tasks.compactMap(\.id)
        let links = taskIDs.isEmpty ? [] : try await TaskUnit.query(on: db).filter(\.$task.$id ~~ taskIDs)
            .filter(\.$role == UnitRole.responsible.rawValue).with(\.$unit).all()
        let reports = try await ProgressReport.query(on: db).filter(\.$round.$id == id)
            .filter(\.$status != ReportStatus.returned).sort(\.$submittedAt).all()
        guard let due = LocalDate(iso: round.dueDate) else { throw AppError.notFound }
        var rows: [RoundFigures.Row] = []
        for task in tasks {
            for link in links where link.$task.id == task.id {
                let report = reports.first { $0.$task.id == task.id && $0.$unit.id == link.$unit.id }
                let status: RoundRowStatus
                if let r = report {
                    status = LocalDate.today(now: r.submittedAt) > due ? .late : .reported
                } else {
                    status = .missing
                }
                rows.append(.init(unitID: link.$unit.id, unitName: link.unit.name, taskID: task.id!, taskNumber: task.number,
                                  taskTitle: task.title, status: status, reportID: report?.id,
                                  submittedAt: report.map { Audit.timestamp($0.submittedAt) }))
            }
        }
        var figures = RoundFigures(roundID: id, name: round.name, dueDate: round.dueDate, closed: round.closedAt != nil,
                                   owed: rows.count, reported: rows.filter { $0.status == .reported }.count,
                                   late: rows.filter { $0.status == .late }.count,
                                   missing: rows.filter { $0.status == .missing }.count, rows: rows)
        figures.cases = try await caseRows(round, due: due, on: db)
        return figures
    }

    /// The round's petition cases (see `RoundFigures.cases`), in two statements.
    static func caseRows(_ round: DispatchRound, due: LocalDate, on db: any Database) async throws -> [RoundFigures.CaseRow] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let range = Access.subtree(of: round.$region.id)
        let lateFrom = Audit.timestamp(OfficialReportBuilder.endOfDay(due))
        // A case's first report in the round decides it, as a task's does: reported in time and
        // then again after the due date is still reported in time.
        struct Row: Decodable { let id: Int; let case_number: String; let place: String; let first_at: String? }
        let owed: SQLQueryString = """
            c.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound) \
            AND (c.status <> \(bind: PetitionStatus.concluded.rawValue) OR c.progressed_at >= \(bind: round.openedAt))
            """
        let cases = try await sql.raw("""
            SELECT c.id, c.case_number, c.place, (SELECT MIN(e.at) FROM audit_events e WHERE e.record_type = 'petition_case' \
            AND e.record_id = c.id AND e.action = \(bind: AuditAction.petitionProgress.rawValue) \
            AND e.at >= \(bind: Audit.timestamp(round.openedAt))) AS first_at \
            FROM petition_cases c WHERE \(owed) ORDER BY c.batch_id, c.id
            """).all(decoding: Row.self)
        guard !cases.isEmpty else { return [] }
        struct U: Decodable { let case_id: Int; let name: String }
        let units = try await sql.raw("""
            SELECT pu.case_id, u.name FROM petition_cases c JOIN petition_case_units pu ON pu.case_id = c.id \
            JOIN units u ON u.id = pu.unit_id WHERE \(owed) ORDER BY pu.case_id, u.name
            """).all(decoding: U.self)
        let names = Dictionary(grouping: units, by: \.case_id).mapValues { $0.map(\.name).joined(separator: "、") }
        return cases.map { c in
            let status: RoundRowStatus
            if let at = c.first_at {
                status = at >= lateFrom ? .late : .reported
            } else {
                status = .missing
            }
            return .init(caseID: c.id, caseNumber: c.case_number, place: c.place, units: names[c.id] ?? "", status: status)
        }
    }

    /// How many of a unit's owed cases 我的待办 lists.
    static let casesMissingLimit = 100

    /// The cases of a unit that still owe the round a report of their handling.
    static func casesMissing(_ round: DispatchRound, unitID: Int, on db: any Database) async throws -> [(id: Int, number: String, place: String)] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let range = Access.subtree(of: round.$region.id)
        struct Row: Decodable { let id: Int; let case_number: String; let place: String }
        return try await sql.raw("""
            SELECT c.id, c.case_number, c.place FROM petition_cases c \
            JOIN petition_case_units pu ON pu.case_id = c.id AND pu.unit_id = \(bind: unitID) \
            WHERE c.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound) \
            AND c.status <> \(bind: PetitionStatus.concluded.rawValue) \
            AND (c.progressed_at IS NULL OR c.progressed_at < \(bind: round.openedAt)) ORDER BY c.batch_id, c.id \
            LIMIT \(literal: casesMissingLimit)
            """).all(decoding: Row.self).map { ($0.id, $0.case_number, $0.place) }
    }

    /// A round's four figures without its rows, for lists and the dashboard: what
    /// `compute` counts, counted by the database in one statement (or the frozen figures).
    struct Summary: Equatable {
        let owed: Int
        let reported: Int
        let late: Int
        let missing: Int
    }

    /// The tasks for which `unitID` still owes this round a report: the round's `missing`
    /// rows of that unit, read directly (one statement, not the whole round).
    static func missing(_ round: DispatchRound, unitID: Int, on db: any Database) async throws -> [(id: Int, number: Int, title: String)] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let range = Access.subtree(of: round.$region.id)
        struct Row: Decodable { let id: Int; let number: Int; let title: String }
        return try await sql.raw("""
            SELECT t.id, t.number, t.title FROM tasks t \
            JOIN task_units tu ON tu.task_id = t.id AND tu.unit_id = \(bind: unitID) AND tu.role = \(bind: UnitRole.responsible.rawValue) \
            WHERE t.state IN (\(binds: TaskState.inWork.map(\.rawValue))) \
            AND t.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound) AND \(RoundService.ownLevel(range)) \
            AND NOT EXISTS (SELECT 1 FROM progress_reports r WHERE r.round_id = \(bind: try round.requireID()) AND r.task_id = t.id \
            AND r.unit_id = \(bind: unitID) AND r.status <> \(bind: ReportStatus.returned.rawValue)) \
            ORDER BY t.inspection_id, t.number
            """).all(decoding: Row.self).map { ($0.id, $0.number, $0.title) }
    }

    static func summary(_ round: DispatchRound, on db: any Database) async throws -> Summary {
        if let frozen = round.frozenJSON, let data = frozen.data(using: .utf8),
           let f = try? JSONDecoder().decode(RoundFigures.self, from: data) {
            return Summary(owed: f.owed, reported: f.reported, late: f.late, missing: f.missing)
        }
        guard let sql = db as? any SQLDatabase, let due = LocalDate(iso: round.dueDate) else { throw AppError.notFound }
        let range = Access.subtree(of: round.$region.id)
        // Late: the first report came on a (China) day after the due date, i.e. at or after
        // the start of the next day, UTC+8.
        let lateFrom = Date(timeIntervalSince1970: TimeInterval(due.dayNumber + 1) * 86_400 - 8 * 3_600)
        struct Row: Decodable { let owed: Int; let reported: Int?; let late: Int? }
        let row = try await sql.raw("""
            SELECT COUNT(*) AS owed, \
            SUM(CASE WHEN r.first_at IS NOT NULL AND r.first_at < \(bind: lateFrom) THEN 1 ELSE 0 END) AS reported, \
            SUM(CASE WHEN r.first_at IS NOT NULL AND r.first_at >= \(bind: lateFrom) THEN 1 ELSE 0 END) AS late \
            FROM tasks t JOIN task_units tu ON tu.task_id = t.id AND tu.role = \(bind: UnitRole.responsible.rawValue) \
            LEFT JOIN (SELECT task_id, unit_id, MIN(submitted_at) AS first_at FROM progress_reports \
            WHERE round_id = \(bind: try round.requireID()) AND status <> \(bind: ReportStatus.returned.rawValue) \
            GROUP BY task_id, unit_id) r ON r.task_id = t.id AND r.unit_id = tu.unit_id \
            WHERE t.state IN (\(binds: TaskState.inWork.map(\.rawValue))) \
            AND t.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound) AND \(RoundService.ownLevel(range))
            """).first(decoding: Row.self)
        let owed = row?.owed ?? 0, reported = row?.reported ?? 0, late = row?.late ?? 0
        return Summary(owed: owed, reported: reported, late: late, missing: owed - reported - late)
    }

    static func statusCounts(in range: ClosedRange<Int>, on db: any Database) async throws -> [String: [String: Int]] {
        guard let sql = db as? any SQLDatabase else { return [:] }
        struct Row: Decodable { let inspection_id: Int; let progress_status: String?; let n: Int }
        let rows = try await sql.raw("""
            SELECT inspection_id, progress_status, COUNT(*) AS n FROM tasks \
            WHERE region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound) AND parent_task_id IS NULL \
            GROUP BY inspection_id, progress_status
            """).all(decoding: Row.self)
        var result: [String: [String: Int]] = [:]
        for r in rows { result[String(r.inspection_id), default: [:]][r.progress_status ?? "none", default: 0] += r.n }
        return result
    }

    /// Closes the round and freezes its figures: asked later, it answers exactly as now.
    static func close(_ roundID: Int, lifecycle: LifecycleService) async throws -> RoundFigures {
        try await lifecycle.db.writeTransaction { tx in
            guard let round = try await DispatchRound.find(roundID, on: tx) else { throw AppError.notFound }
            try authorize(round, lifecycle.access, write: true)
            guard round.closedAt == nil else {
                throw AppError(status: .conflict, code: "round.closed", message: "该调度已结束")
            }
            round.closedAt = lifecycle.clock.now()
            let live = try await compute(round, on: tx)
            var frozen = RoundFigures(roundID: live.roundID, name: live.name, dueDate: live.dueDate, closed: true,
                                      owed: live.owed, reported: live.reported, late: live.late, missing: live.missing, rows: live.rows)
            frozen.statusCounts = try await statusCounts(in: Access.subtree(of: round.$region.id), on: tx)
            frozen.cases = live.cases
            frozen.petitions = Dictionary(uniqueKeysWithValues: try await PetitionService.figures(
                inspectionIDs: nil, in: Access.subtree(of: round.$region.id), on: tx).map { (String($0.key), $0.value) })
            round.frozenJSON = Audit.json(frozen)
            try await round.save(on: tx)
            try await Audit.record(on: tx, actor: lifecycle.access.auditActor, action: .roundClose, recordType: "dispatch_round",
                                   recordID: roundID, taskID: nil, before: Optional<String>.none,
                                   after: ["owed": frozen.owed, "reported": frozen.reported, "late": frozen.late, "missing": frozen.missing],
                                   now: round.closedAt!)
            return frozen
        }
    }
}
