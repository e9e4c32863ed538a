import Fluent
import SQLKit
import Foundation
import Vapor
import RectifyCore

/// Links between inspections' problems across rounds and levels (issue 14 §4): a provincial
/// inspection or a look-back finds a problem an earlier inspection found, or finds its
/// rectification fell short. One service writes them; the task page and the API read the
/// lineage; the official report counts the linked problems.
struct LineageService {
    let db: any Database
    let access: Access
    let clock: AppClock

    struct NewLink: Content {
        var earlierProblemID: Int
        var kind: ProblemLinkKind
        var note: String?
    }

    /// Links problem `problemID` (of the later inspection) to an earlier inspection's problem.
    /// The office over the later inspection's region may; the earlier inspection must be
    /// another one, fed back no later, over the same region or one containing it (or within it).
    @discardableResult
    func link(problemID: Int, _ body: NewLink) async throws -> ProblemLink {
        let note = (body.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return try await db.writeTransaction { tx in
            guard let later = try await Problem.query(on: tx).filter(\.$id == problemID).with(\.$inspection).first() else {
                throw AppError.notFound
            }
            let region = [later.inspection.$targetRegion.id]
            guard access.isAdmin || access.oversees(region, as: .office) else {
                // Who may read the problem (a leader of the region, a unit on one of its tasks) is
                // refused; anyone else is told nothing of it.
                guard let sql = tx as? any SQLDatabase else { throw AppError.notFound }
                var reads = access.oversees(region, as: .leader)
                if !reads { reads = try await sql.raw("""
                    SELECT tp.task_id FROM task_problems tp JOIN tasks ON tasks.id = tp.task_id \
                    WHERE tp.problem_id = \(bind: problemID) AND \(LedgerQuery(access: access).scope) LIMIT 1
                    """).first() != nil }
                throw reads ? AppError(status: .forbidden, code: "lineage.forbidden", message: "只有该督察所属地区的整改办可以关联问题")
                    : AppError.notFound
            }
            guard let earlier = try await Problem.query(on: tx).filter(\.$id == body.earlierProblemID).with(\.$inspection).first() else {
                throw ValidationFailure([.init("lineage.earlierUnknown", field: "earlierProblemID", "问题 \(body.earlierProblemID) 不存在")])
            }
            var v: [Violation] = []
            if earlier.$inspection.id == later.$inspection.id {
                v.append(.init("lineage.sameInspection", field: "earlierProblemID", "只能关联此前其他督察的问题"))
            }
            if let a = earlier.inspection.feedbackDate, let b = later.inspection.feedbackDate, a > b {
                v.append(.init("lineage.notEarlier", field: "earlierProblemID",
                               "“\(earlier.inspection.title)”反馈于\(LocalDate(iso: a)?.chinese ?? a),晚于本次督察,不能作为此前的问题"))
            }
            let here = later.inspection.$targetRegion.id, there = earlier.inspection.$targetRegion.id
            if !Access.subtree(of: there).contains(here) && !Access.subtree(of: here).contains(there) {
                v.append(.init("lineage.unrelatedRegion", field: "earlierProblemID", "此前督察的地区与本次督察的地区不相关"))
            }
            if try await ProblemLink.query(on: tx).filter(\.$problem.$id == problemID)
                .filter(\.$earlier.$id == body.earlierProblemID).count() > 0 {
                v.append(.init("lineage.exists", field: "earlierProblemID", "这两个问题已经关联"))
            }
            if note.count > 2_000 { v.append(.init("lineage.noteTooLong", field: "note", "说明不超过 2000 字")) }
            try v.throwIfAny()
            let link = ProblemLink(problemID: problemID, earlierID: body.earlierProblemID, kind: body.kind, note: note,
                                   by: access.userID, at: clock.now())
            try await link.create(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .problemLink, recordType: "problem_link",
                                   recordID: try link.requireID(), taskID: nil, before: Optional<String>.none,
                                   after: ["problemID": problemID, "earlierProblemID": body.earlierProblemID], now: clock.now())
            return link
        }
    }

    /// The figures of the official report: one statement. `at`: only links made by then (a
    /// report as of a past day or a closed round).
    static func figures(inspectionID: Int, at cutoff: Date? = nil, on db: any Database) async throws -> LineageFigures? {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var when: SQLQueryString = ""
        if let cutoff { when = " AND l.created_at <= \(bind: cutoff)" }
        struct Row: Decodable { let problems: Int; let same: Int?; let not_rectified: Int? }
        guard let r = try await sql.raw("""
            SELECT COUNT(*) AS problems, \
            CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM problem_links l WHERE l.problem_id = p.id AND l.kind = 'same'\(when)) \
            AND NOT EXISTS (SELECT 1 FROM problem_links l WHERE l.problem_id = p.id AND l.kind = 'notRectified'\(when)) THEN 1 ELSE 0 END) AS BIGINT) AS same, \
            CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM problem_links l WHERE l.problem_id = p.id AND l.kind = 'notRectified'\(when)) \
            THEN 1 ELSE 0 END) AS BIGINT) AS not_rectified \
            FROM problems p WHERE p.inspection_id = \(bind: inspectionID)
            """).first(decoding: Row.self), r.problems > 0 else { return nil }
        return LineageFigures(problems: r.problems, same: r.same ?? 0, notRectified: r.not_rectified ?? 0)
    }

    /// The lineage of a task's problems as one JSON array for `TaskQueries.records`: each link
    /// of each of its problems, earlier and later, with the other problem's inspection and the
    /// tasks of the plan answering it (`readable` by this reader's scope).
    static func recordsSQL(taskID: Int, scope: SQLQueryString, json: JSONArraySQL) -> SQLQueryString {
        // The linked problem's top-level tasks, joined row by row: as a subquery the database
        // materialised every task of every inspection first (133 ms a page at 100,000 tasks).
        func side(_ dir: String, mine: String, other: String) -> SQLQueryString {
            """
            SELECT '\(unsafeRaw: dir)' AS dir, l.id AS link_id, l.kind, l.note, mp.number AS mine, op.number AS other_number, \
            op.text AS other_text, i.id AS inspection_id, i.title AS inspection_title, i.feedback_date, \
            tasks.id AS task_id, COALESCE(tasks.code, CAST(tasks.number AS TEXT)) AS task_code, tasks.title AS task_title, \
            tasks.state AS task_state, tasks.progress_status AS task_status, \
            CASE WHEN tasks.id IS NULL THEN NULL WHEN \(scope) THEN 1 ELSE 0 END AS readable FROM task_problems tp \
            JOIN problem_links l ON l.\(unsafeRaw: mine) = tp.problem_id JOIN problems mp ON mp.id = tp.problem_id \
            JOIN problems op ON op.id = l.\(unsafeRaw: other) JOIN inspections i ON i.id = op.inspection_id \
            LEFT JOIN task_problems otp ON otp.problem_id = op.id AND EXISTS (SELECT 1 FROM tasks q WHERE q.id = otp.task_id \
            AND q.parent_task_id IS NULL AND q.state <> 'draft') \
            LEFT JOIN tasks ON tasks.id = otp.task_id WHERE tp.task_id = \(bind: taskID)
            """
        }
        let union: SQLQueryString = "(\(side("earlier", mine: "problem_id", other: "earlier_problem_id")) UNION ALL \(side("later", mine: "earlier_problem_id", other: "problem_id"))) x"
        return json.array([
            "dir": "x.dir", "linkID": "x.link_id", "kind": "x.kind", "note": "x.note", "mine": "x.mine",
            "otherNumber": "x.other_number", "otherText": "x.other_text", "inspectionID": "x.inspection_id",
            "inspectionTitle": "x.inspection_title", "feedbackDate": "x.feedback_date", "taskID": "x.task_id",
            "taskCode": "x.task_code", "taskTitle": "x.task_title", "taskState": "x.task_state", "taskStatus": "x.task_status",
            "readable": "x.readable",
        ], from: union)
    }
}
