import Fluent
import SQLKit
import Vapor
import RectifyCore

/// What a task's detail (GET /api/v1/tasks/{id}) and its page share, read once: the task
/// with its inspection, its units, the office's thresholds, milestones and reports.
struct TaskSheet {
    let view: TaskView
    let access: Access
    let settings: ScheduleSettings
    /// By date.
    let milestones: [Milestone]
    /// Newest first, each with its unit's name.
    let reports: [Report]
    /// The tasks split from this one (issue 14), all of them: the roll-up counts every one;
    /// a reader is shown those it may read.
    let subtasks: [SubtaskRollup.Row]
    /// The task this one was split from.
    let parent: Parent?

    struct Parent { let id: Int; let code: String; let title: String; let regionCode: Int?; let readable: Bool }

    struct Milestone { let id: Int; let date: String; let description: String; let reachedOn: String? }
    struct Report {
        let id: Int; let unit: String; let narrative: String; let percent: Int?; let difficulties: String
        let nextSteps: String; let status: ReportStatus; let reviewReason: String?; let submittedAt: Date
    }
}

enum TaskQueries {
    /// The task if this user may read it (404 otherwise): three statements — the task with its
    /// inspection, its units, and everything else in one row of JSON arrays.
    static func sheet(_ id: Int, access: Access, on db: any Database) async throws -> TaskSheet {
        guard let view = try await TaskView.load(id, on: db), access.canRead(view) else { throw AppError.notFound }
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let rest = try await rest(view.task, scope: LedgerQuery(access: access).scope, on: sql)
        return TaskSheet(view: view, access: access, settings: rest.settings, milestones: rest.milestones, reports: rest.reports,
                         subtasks: rest.subtasks, parent: rest.parent)
    }

    /// The office's thresholds, the milestones, the reports, and for a task of several levels its
    /// parts (each `readable` or not by `scope`) and parent: one statement. Plain rows, not Fluent
    /// models: filling a model reflects over its fields, and each statement is a hop to the database.
    static func rest(_ task: TaskRecord, scope: SQLQueryString, on sql: any SQLDatabase) async throws
        -> (settings: ScheduleSettings, milestones: [TaskSheet.Milestone], reports: [TaskSheet.Report],
            subtasks: [SubtaskRollup.Row], parent: TaskSheet.Parent?) {
        let id = try task.requireID()
        let postgres = sql.dialect.name == "postgresql"
        let json = JSONArraySQL(dialect: sql.dialect.name)
        struct S: Decodable { let region: Int; let yellow: Int; let unclaimed: Int; let red: Int }
        struct M: Decodable { let id: Int; let date: String; let description: String; let reachedOn: String? }
        struct R: Decodable {
            let id: Int; let unit: String; let narrative: String; let percent: Int?; let difficulties: String
            let nextSteps: String; let status: ReportStatus; let reason: String?; let at: Double
        }
        struct T: Decodable {
            let id: Int; let number: Int; let code: String?; let title: String; let regionCode: Int?; let deadline: String?
            let state: TaskState; let light: WarningLight?; let status: PublicStatus?; let split: Int; let rolled: Int?
            let percent: Int?; let readable: Int
        }
        struct Row: Decodable { let settings: String; let milestones: String; let reports: String; let subtasks: String; let parent: String }
        let offices = task.regionCode.map(OfficeSettings.offices(above:)) ?? []
        let settings: SQLQueryString = offices.isEmpty ? "'[]'" : json.array(
            ["region": "s.region_code", "yellow": "s.yellow_lag_points", "unclaimed": "s.unclaimed_days", "red": "s.red_days_before_order"],
            from: "office_settings s WHERE s.region_code IN (\(binds: offices))")
        // Seconds since 1970 either way: SQLite keeps the moment as a number (as text if written
        // outside the app, which Fluent read too), PostgreSQL as a timestamp.
        let at = postgres ? "EXTRACT(EPOCH FROM r.submitted_at)"
            : "CASE WHEN typeof(r.submitted_at) = 'text' THEN CAST(strftime('%s', r.submitted_at) AS REAL) ELSE r.submitted_at END"
        let reports = json.array(
            ["id": "r.id", "unit": "u.name", "narrative": "r.narrative", "percent": "r.percent", "difficulties": "r.difficulties",
             "nextSteps": "r.next_steps", "status": "r.status", "reason": "r.review_reason", "at": at],
            from: "progress_reports r JOIN units u ON u.id = r.unit_id WHERE r.task_id = \(bind: id)")
        var subtasks: SQLQueryString = "'[]'"
        var parent: SQLQueryString = "'[]'"
        if task.subtasksTotal > 0 || task.$parentTask.id != nil {
            let taskFields: KeyValuePairs<String, String> = [
                "id": "tasks.id", "number": "tasks.number", "code": "tasks.code", "title": "tasks.title",
                "regionCode": "tasks.region_code", "deadline": "tasks.deadline", "state": "tasks.state", "light": "tasks.light",
                "status": "tasks.progress_status", "split": "tasks.subtasks_total", "rolled": "tasks.rolled_percent",
                "percent": "(SELECT r.percent FROM progress_reports r WHERE r.task_id = tasks.id AND r.status = 'accepted' ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1)",
                // Written by `fieldsSQL` from the scope, whose values are bound.
                "readable": "",
            ]
            let names: KeyValuePairs<String, String> = [
                "id": "t.id", "number": "t.number", "code": "t.code", "title": "t.title", "regionCode": "t.region_code",
                "deadline": "t.deadline", "state": "t.state", "light": "t.light", "status": "t.progress_status",
                "split": "t.subtasks_total", "rolled": "t.rolled_percent", "percent": "t.percent", "readable": "t.readable",
            ]
            subtasks = json.array(names, from: "(SELECT \(fieldsSQL(taskFields, scope: scope)) FROM tasks WHERE tasks.parent_task_id = \(bind: id) ORDER BY tasks.id) t")
            parent = json.array(names, from: "(SELECT \(fieldsSQL(taskFields, scope: scope)) FROM tasks WHERE tasks.id = \(bind: task.$parentTask.id ?? 0)) t")
        }
        guard let row = try await sql.raw("""
            SELECT \(settings) AS settings, \(json.array(["id": "m.id", "date": "m.date", "description": "m.description", "reachedOn": "m.reached_on"],
                                from: "task_milestones m WHERE m.task_id = \(bind: id)")) AS milestones, \
            \(reports) AS reports, \(subtasks) AS subtasks, \(parent) AS parent
            """).first(decoding: Row.self) else { throw AppError.notFound }
        let decoder = JSONDecoder()
        var found: [Int: ScheduleSettings] = [:]
        for s in try decoder.decode([S].self, from: Data(row.settings.utf8)) {
            found[s.region] = ScheduleSettings(yellowLagPoints: s.yellow, unclaimedDays: s.unclaimed, redDaysBeforeOrder: s.red)
        }
        let milestones = try decoder.decode([M].self, from: Data(row.milestones.utf8))
            .sorted { ($0.date, $0.id) < ($1.date, $1.id) }
            .map { TaskSheet.Milestone(id: $0.id, date: $0.date, description: $0.description, reachedOn: $0.reachedOn) }
        // Newest first.
        let reportRows = try decoder.decode([R].self, from: Data(row.reports.utf8)).sorted { ($1.at, $1.id) < ($0.at, $0.id) }
        let rows = try decoder.decode([T].self, from: Data(row.subtasks.utf8)).sorted { $0.id < $1.id }.map { t in
            SubtaskRollup.Row(id: t.id, code: t.code ?? String(t.number), title: t.title, regionCode: t.regionCode,
                              deadline: t.deadline,
                              facts: SubtaskFacts(state: t.state, light: t.light, status: t.status,
                                                  percent: t.split > 0 ? t.rolled : t.percent),
                              readable: t.readable == 1)
        }
        let up = try decoder.decode([T].self, from: Data(row.parent.utf8)).first.map {
            TaskSheet.Parent(id: $0.id, code: $0.code ?? String($0.number), title: $0.title, regionCode: $0.regionCode,
                             readable: $0.readable == 1)
        }
        return (task.regionCode.map { OfficeSettings.nearest(found, above: $0) } ?? ScheduleSettings(), milestones,
                reportRows.map { r in
                    TaskSheet.Report(id: r.id, unit: r.unit, narrative: r.narrative, percent: r.percent, difficulties: r.difficulties,
                                     nextSteps: r.nextSteps, status: r.status, reviewReason: r.reason,
                                     submittedAt: Date(timeIntervalSince1970: r.at))
                }, rows, up)
    }

    /// The columns of a sub-select, each under its JSON name's snake-case column, for `rest`.
    private static func fieldsSQL(_ fields: KeyValuePairs<String, String>, scope: SQLQueryString) -> SQLQueryString {
        let columns: [String: String] = [
            "id": "id", "number": "number", "code": "code", "title": "title", "regionCode": "region_code",
            "deadline": "deadline", "state": "state", "light": "light", "status": "progress_status",
            "split": "subtasks_total", "rolled": "rolled_percent", "percent": "percent", "readable": "readable",
        ]
        var out: [SQLQueryString] = []
        for (key, expression) in fields {
            let column = columns[key] ?? key
            if key == "readable" {
                out.append("CASE WHEN \(scope) THEN 1 ELSE 0 END AS \(unsafeRaw: column)")
            } else {
                out.append("\(unsafeRaw: expression) AS \(unsafeRaw: column)")
            }
        }
        return out.joined(separator: ", ")
    }

    /// The detail of the API, computed from the sheet without another query.
    static func detail(_ sheet: TaskSheet, today: LocalDate) -> TaskAPI.Detail {
        let t = sheet.view.task
        let latest = sheet.reports.first { $0.status == .accepted }
        let facts = TaskAssessment.facts(for: t, start: TaskAssessment.start(of: t, inspection: sheet.view.inspection),
                                         milestones: sheet.milestones.map { ($0.date, $0.description, $0.reachedOn != nil) },
                                         reportedPercent: latest?.percent)
        let assessment = Schedule.assess(facts, today: today, settings: sheet.settings)
        var words = PublicStatusWords.of(state: t.state, kind: t.kind, basicallyCompleted: t.basicallyCompleted,
                                         assessment: assessment)
        var light = assessment?.light
        var percent = latest?.percent
        if !sheet.subtasks.isEmpty {
            let rollup = Rollup.of(sheet.subtasks.map(\.facts))
            (light, words) = rollup.combine(state: t.state, ownLight: light, own: words)
            percent = rollup.percent
        }
        let acceptance = sheet.view.acceptance
        let taskFacts = TaskFacts(state: t.state, kind: t.kind, basicallyCompleted: t.basicallyCompleted,
                                  openSubtasks: t.subtasksOpen, acceptanceStepsLeft: acceptance.left)
        let actor = sheet.access.actorFacts(on: sheet.view)
        // Allowed now: who and when; what the form must supply is not judged here.
        let allowed = TaskAction.allCases.filter { action in
            switch Lifecycle.decide(action, task: taskFacts, actor: actor, input: ActionInput(today: today)) {
            case .success: true
            case .failure(let r): r.kind == .invalidInput
            }
        }
        return TaskAPI.Detail(
            id: sheet.view.id, inspectionID: t.$inspection.id, number: t.number, title: t.title, target: t.target,
            measures: t.measures, kind: t.kind, state: t.state, deadline: t.deadline,
            originalDeadline: t.originalDeadline, leadOfficial: t.leadOfficial, typical: t.typical,
            basicallyCompleted: t.basicallyCompleted, reboundCount: t.reboundCount, light: light,
            lightSince: t.lightSince, scheduleReason: assessment?.reason,
            progressStatus: t.progressStatus, publicStatus: words.text,
            regionCode: t.regionCode, assignedOn: t.assignedOn, version: t.version,
            units: sheet.view.assignments.map { .init(id: $0.unitID, name: $0.unitName, role: $0.role) },
            milestones: sheet.milestones.map { .init(id: $0.id, date: $0.date, description: $0.description, reachedOn: $0.reachedOn) },
            allowedActions: allowed,
            code: t.displayCode, parentTaskID: t.$parentTask.id, percent: percent,
            subtasksTotal: t.subtasksTotal, subtasksOpen: t.subtasksOpen,
            subtasks: sheet.subtasks.filter(\.readable).map {
                .init(id: $0.id, code: $0.code, title: $0.title, regionCode: $0.regionCode, deadline: $0.deadline,
                      state: $0.facts.state, light: $0.facts.light, progressStatus: $0.facts.status, percent: $0.facts.percent)
            },
            acceptanceSteps: acceptance.steps, acceptanceStepsPassed: t.acceptanceStep)
    }

    /// The records only the page shows: problems, entries, extension requests, the
    /// timeline, evidence and orders, in one statement (each list a JSON array).
    struct Records: Decodable {
        struct Problem: Decodable { let id: Int; let number: Int; let text: String }
        struct Entry: Decodable {
            let id: Int; let kind: String; let onDate: String?; let untilDate: String?; let people: String
            let text: String; let verdict: String?; let answer: String?; let parentID: Int?; let step: String?
            /// Who made an objection online (name and contact): for the office's eyes only.
            let contact: String?
        }
        struct Extension: Decodable {
            let id: Int; let unit: String; let requested: String; let previous: String?; let reason: String
            let status: String; let note: String?
        }
        struct Event: Decodable { let id: Int; let at: String; let who: String; let action: String }
        struct Evidence: Decodable { let id: Int; let name: String; let size: Int; let isPublic: Int }
        struct Order: Decodable { let id: Int; let year: Int; let seq: Int; let closed: Int }
        /// A petition case linked to the task: never who complained.
        struct Case: Decodable { let id: Int; let number: String; let place: String; let status: String }
        /// One link of one of the task's problems to another inspection's problem, with one task
        /// answering that problem (none: nil task fields). `dir`: earlier or later than this one.
        struct Lineage: Content {
            let dir: String; let linkID: Int; let kind: ProblemLinkKind; let note: String; let mine: Int
            let otherNumber: Int; let otherText: String; let inspectionID: Int; let inspectionTitle: String
            let feedbackDate: String?; let taskID: Int?; let taskCode: String?; let taskTitle: String?
            let taskState: TaskState?; let taskStatus: PublicStatus?; let readable: Int?
        }

        let problems: [Problem]
        let entries: [Entry]
        let extensions: [Extension]
        let events: [Event]
        let evidence: [Evidence]
        let orders: [Order]
        let cases: [Case]
        let lineage: [Lineage]
        /// For the office's forms only (empty otherwise): the units the task may be split to, and
        /// earlier inspections' problems its problems may be linked to.
        let splitUnits: [SplitUnit]
        let linkCandidates: [Candidate]
        /// 核减 (issue 15 §1): the approval that took the task out of the plan, if any.
        let withdrawal: [Withdrawal]

        struct Withdrawal: Decodable { let kind: String; let document: String; let approvedOn: String; let reason: String; let into: Int? }
        struct SplitUnit: Decodable { let id: Int; let name: String; let region: Int }
        /// An earlier inspection whose problems the task's may be linked to: the form asks for it and a problem number.
        struct Candidate: Decodable { let id: Int; let title: String; let feedbackDate: String?; let problems: Int }
    }

    /// What the office's forms on the task page need, read in the same statement.
    struct OfficeForms {
        /// Split: units of this region subtree (nil: no split form).
        var splitRange: ClosedRange<Int>?
        /// Link: the task's inspection, its region and feedback date (nil: no link form).
        var inspection: Inspection?
    }

    static func officeFormsSQL(_ forms: OfficeForms?, json: JSONArraySQL) -> SQLQueryString {
        var units: SQLQueryString = "'[]'"
        if let r = forms?.splitRange {
            units = json.array(["id": "u.id", "name": "u.name", "region": "u.region_code"], from: """
                (SELECT id, name, region_code FROM units WHERE region_code BETWEEN \(bind: r.lowerBound) AND \(bind: r.upperBound) \
                ORDER BY region_code, name LIMIT 2000) u
                """)
        }
        var candidates: SQLQueryString = "'[]'"
        if let inspection = forms?.inspection, let id = inspection.id {
            let here = inspection.$targetRegion.id
            let range = Access.subtree(of: here)
            // The inspection's region, those above it and those below it.
            let above = [here / 10_000 * 10_000, here / 100 * 100, here]
            var earlier: SQLQueryString = ""
            if let b = inspection.feedbackDate { earlier = " AND (i.feedback_date IS NULL OR i.feedback_date <= \(bind: b))" }
            // The inspections, not their problems: a list of every earlier problem ran to thousands
            // (five thousand a page at 100,000 tasks, most of the page's time) and cut off the rest.
            candidates = json.array(["id": "c.id", "title": "c.title", "feedbackDate": "c.feedback_date", "problems": "c.problems"], from: """
                (SELECT i.id, i.title, i.feedback_date, (SELECT COUNT(*) FROM problems p WHERE p.inspection_id = i.id) AS problems \
                FROM inspections i WHERE i.id <> \(bind: id) AND (i.target_region_code IN (\(binds: above)) \
                OR i.target_region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound))\(earlier) \
                AND EXISTS (SELECT 1 FROM problems q WHERE q.inspection_id = i.id) \
                ORDER BY CASE WHEN i.feedback_date IS NULL THEN 1 ELSE 0 END, i.feedback_date DESC, i.id DESC LIMIT 200) c
                """)
        }
        return "\(units) AS split_units, \(candidates) AS link_candidates"
    }

    /// The lineage alone (GET /api/v1/tasks/{id}/lineage): one statement after the access check.
    static func lineage(_ id: Int, access: Access, on db: any Database) async throws -> [Records.Lineage] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        struct Row: Decodable { let lineage: String }
        let json = JSONArraySQL(dialect: sql.dialect.name)
        guard let row = try await sql.raw("SELECT \(LineageService.recordsSQL(taskID: id, scope: LedgerQuery(access: access).scope, json: json)) AS lineage")
            .first(decoding: Row.self) else { return [] }
        return try JSONDecoder().decode([Records.Lineage].self, from: Data(row.lineage.utf8))
    }

    /// The newest events the page lists.
    static let timelineLimit = 200

    /// `access`: who asks; the linked petition cases are only those they may read.
    static func records(_ id: Int, access: Access, forms: OfficeForms? = nil, on db: any Database) async throws -> Records {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let json = JSONArraySQL(dialect: sql.dialect.name)
        let query: SQLQueryString = """
            SELECT \
            \(json.array(["id": "p.id", "number": "p.number", "text": "p.text"],
                         from: "task_problems tp JOIN problems p ON p.id = tp.problem_id WHERE tp.task_id = \(bind: id)")) AS problems, \
            \(json.array(["id": "e.id", "kind": "e.kind", "onDate": "e.on_date", "untilDate": "e.until_date", "people": "e.people",
                          "text": "e.text", "verdict": "e.verdict", "answer": "e.answer", "parentID": "e.parent_id", "step": "e.step",
                          "contact": "(SELECT oc.contact || ' ' || oc.name FROM objection_contacts oc WHERE oc.entry_id = e.id)"],
                         from: "task_entries e WHERE e.task_id = \(bind: id)")) AS entries, \
            \(json.array(["id": "x.id", "unit": "u.name", "requested": "x.requested_deadline", "previous": "x.previous_deadline",
                          "reason": "x.reason", "status": "x.status", "note": "x.decision_note"],
                         from: "extension_requests x JOIN units u ON u.id = x.unit_id WHERE x.task_id = \(bind: id)")) AS extensions, \
            \(json.array(["id": "a.id", "at": "a.at", "who": "a.user_name", "action": "a.action"],
                         from: "(SELECT id, at, user_name, action FROM audit_events WHERE task_id = \(bind: id) ORDER BY id DESC LIMIT \(literal: timelineLimit)) a")) AS events, \
            \(json.array(["id": "l.id", "name": "l.original_name", "size": "f.size", "isPublic": "CASE WHEN l.public THEN 1 ELSE 0 END"],
                         from: "evidence_links l JOIN evidence_files f ON f.id = l.file_id WHERE l.task_id = \(bind: id)")) AS evidence, \
            \(json.array(["id": "o.id", "year": "o.year", "seq": "o.seq", "closed": "CASE WHEN o.closed_at IS NULL THEN 0 ELSE 1 END"],
                         from: "supervision_order_tasks ot JOIN supervision_orders o ON o.id = ot.order_id WHERE ot.task_id = \(bind: id)")) AS orders, \
            \(json.array(["id": "c.id", "number": "c.case_number", "place": "c.place", "status": "c.status"],
                         from: "petition_cases c WHERE c.task_id = \(bind: id) AND \(PetitionAccess(access: access).scope)")) AS cases, \
            \(LineageService.recordsSQL(taskID: id, scope: LedgerQuery(access: access).scope, json: json)) AS lineage, \
            \(json.array(["kind": "w.kind", "document": "w.document_number", "approvedOn": "w.approved_on", "reason": "w.reason",
                          "into": "(SELECT t2.number FROM tasks t2 WHERE t2.id = w.merged_into_task_id)"],
                         from: "task_withdrawals w WHERE w.task_id = \(bind: id)")) AS withdrawal, \
            \(officeFormsSQL(forms, json: json))
            """
        struct Row: Decodable {
            let problems: String, entries: String, extensions: String, events: String, evidence: String, orders: String, cases: String
            let lineage: String, withdrawal: String
            let split_units: String, link_candidates: String
        }
        guard let row = try await sql.raw(query).first(decoding: Row.self) else { throw AppError.notFound }
        let decoder = JSONDecoder()
        func decode<T: Decodable>(_ text: String, as: [T].Type) throws -> [T] { try decoder.decode([T].self, from: Data(text.utf8)) }
        return Records(
            problems: try decode(row.problems, as: [Records.Problem].self).sorted { $0.number < $1.number },
            entries: try decode(row.entries, as: [Records.Entry].self).sorted { $0.id < $1.id },
            extensions: try decode(row.extensions, as: [Records.Extension].self).sorted { $0.id < $1.id },
            events: try decode(row.events, as: [Records.Event].self).sorted { $0.id > $1.id },
            evidence: try decode(row.evidence, as: [Records.Evidence].self).sorted { $0.id < $1.id },
            orders: try decode(row.orders, as: [Records.Order].self).sorted { $0.id < $1.id },
            cases: try decode(row.cases, as: [Records.Case].self).sorted { $0.id < $1.id },
            lineage: try decode(row.lineage, as: [Records.Lineage].self).sorted {
                ($0.dir, $0.mine, $0.feedbackDate ?? "", $0.otherNumber, $0.taskID ?? 0) < ($1.dir, $1.mine, $1.feedbackDate ?? "", $1.otherNumber, $1.taskID ?? 0)
            },
            splitUnits: try decode(row.split_units, as: [Records.SplitUnit].self).sorted { ($0.region, $0.name) < ($1.region, $1.name) },
            linkCandidates: try decode(row.link_candidates, as: [Records.Candidate].self)
                .sorted { ($1.feedbackDate ?? "", $1.id) < ($0.feedbackDate ?? "", $0.id) },
            withdrawal: try decode(row.withdrawal, as: [Records.Withdrawal].self))
    }
}

/// A JSON array of objects built by the database, in SQLite's or PostgreSQL's words,
/// so a page can read several short lists in one statement. Always text, `[]` when empty.
struct JSONArraySQL {
    let dialect: String

    func array(_ fields: KeyValuePairs<String, String>, from source: SQLQueryString) -> SQLQueryString {
        let pairs = fields.map { "'\($0.key)', \($0.value)" }.joined(separator: ", ")
        if dialect == "postgresql" {
            return "(SELECT COALESCE(CAST(json_agg(json_build_object(\(unsafeRaw: pairs))) AS TEXT), '[]') FROM \(source))"
        }
        return "(SELECT json_group_array(json_object(\(unsafeRaw: pairs))) FROM \(source))"
    }
}
