import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore
import RectifyOffice

/// 台账导入 (issue 5 §3): an office's XLSX or CSV ledger into one inspection.
///
/// `plan` reads the file and says, row by row, what would be created, updated or
/// left alone, and every row's problems; nothing is written. `apply` plans again and,
/// only if no row has a problem, writes everything in one transaction. Tasks are
/// matched by 序号 within the inspection, so importing the same file twice changes
/// nothing the second time. A column the sheet does not have leaves that field of an
/// existing task as it is; 完成情况 is read for new tasks only (after that the
/// lifecycle owns it), and 整改进展 and 预警 are never imported (they are outputs).
struct LedgerImport {
    let db: any Database
    let access: Access
    let clock: AppClock
    var today: LocalDate { clock.today }

    static let maxFileBytes = 20 * 1024 * 1024
    static let tooLargeMessage = "台账文件超过 20 MB,未导入任何内容:请拆分后分批导入"

    struct RowPlan: Content, Equatable {
        let line: Int
        let number: Int?
        let title: String
        /// create, update, unchanged or invalid.
        let action: String
        /// The headings of the fields an update changes.
        let changes: [String]
        let problems: [Violation]
    }

    struct NewProblem: Content, Equatable {
        let number: Int
        let text: String
    }

    struct Counts: Content, Equatable {
        var create = 0, update = 0, unchanged = 0, invalid = 0
    }

    struct Preview: Content {
        let inspectionID: Int
        let format: String
        let headerLine: Int
        let ignoredColumns: [String]
        let counts: Counts
        let newProblems: [NewProblem]
        let rows: [RowPlan]
        var applied: Bool
    }

    // MARK: Reading the file

    /// Rows of cells with their line numbers, from XLSX (by signature) or UTF-8 CSV.
    static func cells(of data: Data) throws -> (format: String, rows: [[String]], lines: [Int]) {
        guard !data.isEmpty else { throw AppError(status: .unprocessableEntity, code: "file.empty", message: "文件是空的") }
        guard data.count <= maxFileBytes else {
            throw AppError(status: .payloadTooLarge, code: "file.tooLarge", message: tooLargeMessage)
        }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            do {
                let rows = try XLSXReader.rows(data)
                return ("xlsx", rows.map(\.cells), rows.map(\.line))
            } catch let e as OfficeError {
                throw AppError(status: e.code == "file.tooLarge" ? .payloadTooLarge : .unprocessableEntity,
                               code: e.code, message: e.message)
            }
        }
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw AppError(status: .unprocessableEntity, code: "file.legacyExcel",
                           message: "这是旧版 Excel(.xls)文件:请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后再导入")
        }
        guard !data.contains(0), let text = String(data: data, encoding: .utf8) else {
            throw AppError(status: .unprocessableEntity, code: "file.unrecognised",
                           message: "无法识别的文件:请上传 .xlsx 工作簿或 UTF-8 编码的 CSV(WPS/Excel 另存为“CSV UTF-8”)")
        }
        let records = CSV.parse(text)
        return ("csv", records.map(\.cells), records.map(\.line))
    }

    // MARK: Planning

    struct Existing {
        let task: TaskRecord
        var assignments: Set<UnitAssignment>
        var problemIDs: Set<Int>
        var milestones: [Milestone]
    }

    /// What a valid row becomes.
    struct Resolved {
        let row: LedgerSheet.Row
        let header: Set<LedgerSheet.Field>
        let assignments: [UnitAssignment]
        /// An existing problem's id, or the number of a problem this import creates.
        let problem: ProblemRef?
        var existing: Existing?
        var changes: [String] = []
    }

    enum ProblemRef: Equatable { case existing(Int), new(Int) }

    struct Plan {
        let preview: Preview
        let resolved: [Resolved]
        let inspection: Inspection
        let unitRegions: [Int: Int]
    }

    func plan(inspectionID: Int, data: Data) async throws -> Plan {
        guard let inspection = try await Inspection.find(inspectionID, on: db) else { throw AppError.notFound }
        let region = inspection.$targetRegion.id
        guard access.isAdmin || access.oversees([region], as: .office) else {
            let reads = access.oversees([region], as: .leader)
            throw reads ? AppError.forbidden : AppError.notFound
        }
        let (format, cells, lines) = try Self.cells(of: data)
        let header: LedgerSheet.Header
        do { header = try LedgerSheet.header(cells) } catch let f as ValidationFailure { throw AppError.validation(f) }
        let planDate = [inspection.planApprovedDate, inspection.feedbackDate].compactMap { $0 }.compactMap(LocalDate.init(iso:)).first
        let rows = LedgerSheet.rows(cells, lines: lines, header: header, immediateBy: planDate ?? today)
        guard !rows.isEmpty else {
            throw AppError(status: .unprocessableEntity, code: "ledger.noRows", message: "表头下没有任务行")
        }
        let present = Set(header.columns.keys)

        // Units by name, in chunks (bind limits).
        let names = Array(Set(rows.flatMap { $0.units.values.flatMap { $0 } }))
        var unitIDs: [String: Int] = [:]
        var unitRegions: [Int: Int] = [:]
        for chunk in stride(from: 0, to: names.count, by: 500).map({ Array(names[$0..<min($0 + 500, names.count)]) }) {
            for u in try await Unit.query(on: db).filter(\.$name ~~ chunk).all() {
                unitIDs[u.name] = u.id!
                unitRegions[u.id!] = u.$region.id
            }
        }

        // The inspection's tasks and problems as they stand.
        let tasks = try await TaskRecord.query(on: db).filter(\.$inspection.$id == inspectionID).all()
        var existing: [Int: Existing] = [:]
        var partNumbers: [Int: String] = [:]
        if !tasks.isEmpty {
            var byID: [Int: Existing] = [:]
            for t in tasks { byID[t.id!] = Existing(task: t, assignments: [], problemIDs: [], milestones: []) }
            guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
            struct U: Decodable { let task_id: Int; let unit_id: Int; let role: String }
            struct P: Decodable { let task_id: Int; let problem_id: Int }
            struct M: Decodable { let task_id: Int; let date: String; let description: String }
            for u in try await sql.raw("""
                SELECT tu.task_id, tu.unit_id, tu.role FROM task_units tu JOIN tasks t ON t.id = tu.task_id \
                WHERE t.inspection_id = \(bind: inspectionID)
                """).all(decoding: U.self) {
                if let role = UnitRole(rawValue: u.role) { byID[u.task_id]?.assignments.insert(.init(unitID: u.unit_id, role: role)) }
            }
            for p in try await sql.raw("""
                SELECT tp.task_id, tp.problem_id FROM task_problems tp JOIN tasks t ON t.id = tp.task_id \
                WHERE t.inspection_id = \(bind: inspectionID)
                """).all(decoding: P.self) {
                byID[p.task_id]?.problemIDs.insert(p.problem_id)
            }
            for m in try await sql.raw("""
                SELECT m.task_id, m.date, m.description FROM task_milestones m JOIN tasks t ON t.id = m.task_id \
                WHERE t.inspection_id = \(bind: inspectionID) ORDER BY m.date, m.id
                """).all(decoding: M.self) {
                if let d = LocalDate(iso: m.date) { byID[m.task_id]?.milestones.append(.init(date: d, description: m.description)) }
            }
            // Parts split to lower levels are not the plan's rows: they keep their own pages.
            for e in byID.values where e.task.$parentTask.id == nil { existing[e.task.number] = e }
            for e in byID.values where e.task.$parentTask.id != nil { partNumbers[e.task.number] = e.task.displayCode }
        }
        let problems = try await Problem.query(on: db).filter(\.$inspection.$id == inspectionID).all()
        let problemByNumber = Dictionary(problems.map { ($0.number, $0.id!) }, uniquingKeysWith: { a, _ in a })
        let problemByText = Dictionary(problems.map { ($0.text, $0.id!) }, uniquingKeysWith: { a, _ in a })
        var newProblems: [NewProblem] = []
        var newByText: [String: Int] = [:]
        var nextNumber = (problems.map(\.number) + [0]).max()! + 1

        var plans: [RowPlan] = []
        var resolved: [Resolved] = []
        var counts = Counts()
        for row in rows {
            var problemsOfRow = row.violations
            var assignments: [UnitAssignment] = []
            for role in [UnitRole.responsible, .cooperating, .supervising, .acceptance] {
                for name in row.units[role] ?? [] {
                    if let id = unitIDs[name] {
                        let a = UnitAssignment(unitID: id, role: role)
                        if !assignments.contains(a) { assignments.append(a) }
                    } else {
                        problemsOfRow.append(.init("ledger.unitUnknown", field: role.label,
                                                   "单位“\(name)”不存在:请先在系统中建立该单位,或改为系统中的单位全称"))
                    }
                }
            }
            // The feedback problem: by number, else by text; a new one is created.
            var ref: ProblemRef?
            if let n = row.problemNumber {
                if let id = problemByNumber[n] {
                    ref = .existing(id)
                } else if newProblems.contains(where: { $0.number == n }) {
                    ref = .new(n)
                } else if !row.problemText.isEmpty {
                    newProblems.append(.init(number: n, text: row.problemText))
                    ref = .new(n)
                } else {
                    problemsOfRow.append(.init("ledger.problemUnknown", field: "反馈问题",
                                               "本次督察没有编号为“\(ChineseNumeral.string(n) ?? String(n))”的反馈问题,表中也未写明问题内容"))
                }
            } else if !row.problemText.isEmpty {
                if let id = problemByText[row.problemText] {
                    ref = .existing(id)
                } else if let n = newByText[row.problemText] {
                    ref = .new(n)
                } else {
                    while problemByNumber[nextNumber] != nil || newProblems.contains(where: { $0.number == nextNumber }) { nextNumber += 1 }
                    newProblems.append(.init(number: nextNumber, text: row.problemText))
                    newByText[row.problemText] = nextNumber
                    ref = .new(nextNumber)
                }
            }

            if let n = row.number, let code = partNumbers[n] {
                problemsOfRow.append(.init("ledger.numberOfPart", field: "序号",
                                           "序号 \(n) 已用于分解的子任务 \(code);台账导入只建立和更新方案的任务,请改用其他序号"))
            }
            var r = Resolved(row: row, header: present, assignments: assignments, problem: ref,
                             existing: row.number.flatMap { existing[$0] })
            let action: String
            if !problemsOfRow.isEmpty {
                action = "invalid"
                counts.invalid += 1
            } else if let e = r.existing {
                r.changes = changes(r, e)
                action = r.changes.isEmpty ? "unchanged" : "update"
                if r.changes.isEmpty { counts.unchanged += 1 } else { counts.update += 1 }
            } else {
                action = "create"
                counts.create += 1
            }
            plans.append(RowPlan(line: row.line, number: row.number, title: row.title, action: action,
                                 changes: r.changes, problems: problemsOfRow))
            resolved.append(r)
        }
        let preview = Preview(inspectionID: inspectionID, format: format, headerLine: lines[header.rowIndex],
                              ignoredColumns: header.ignored, counts: counts, newProblems: newProblems, rows: plans,
                              applied: false)
        return Plan(preview: preview, resolved: resolved, inspection: inspection, unitRegions: unitRegions)
    }

    /// The headings of what a row would change on its task; columns the sheet lacks change nothing.
    func changes(_ r: Resolved, _ e: Existing) -> [String] {
        let t = e.task, row = r.row
        var c: [String] = []
        if row.title != t.title { c.append("整改任务") }
        if r.header.contains(.target), row.target != t.target { c.append("整改目标") }
        if r.header.contains(.measures), row.measures != t.measures { c.append("整改措施") }
        if r.header.contains(.leadOfficial), row.leadOfficial != t.leadOfficial { c.append("责任领导") }
        if let d = row.deadline, d.deadline?.iso != t.deadline || d.kind != t.kind { c.append("整改时限") }
        if r.header.contains(.originalDeadline), let o = row.originalDeadline, o.iso != t.originalDeadline { c.append("原整改时限") }
        let fields: [(LedgerSheet.Field, UnitRole)] = [(.responsible, .responsible), (.cooperating, .cooperating),
                                                       (.supervising, .supervising), (.acceptance, .acceptance)]
        for (field, role) in fields where r.header.contains(field) {
            if Set(r.assignments.filter { $0.role == role }) != e.assignments.filter({ $0.role == role }) {
                c.append(role.label)
            }
        }
        if r.header.contains(.milestones), Set(row.milestones) != Set(e.milestones) { c.append("阶段目标") }
        switch r.problem {
        case .existing(let id)? where !e.problemIDs.contains(id): c.append("反馈问题")
        case .new?: c.append("反馈问题")
        default: break
        }
        return c
    }

    // MARK: Writing

    /// Plans, refuses if any row has a problem (422 carrying the preview's problems),
    /// else writes it all in one transaction and returns the preview marked applied.
    func apply(inspectionID: Int, data: Data) async throws -> Preview {
        let plan = try await plan(inspectionID: inspectionID, data: data)
        var preview = plan.preview
        if preview.counts.invalid > 0 {
            let violations = preview.rows.filter { !$0.problems.isEmpty }.flatMap { row in
                row.problems.map { Violation($0.code, field: "第\(row.line)行", "第 \(row.line) 行:\($0.message)") }
            }
            throw AppError(status: .unprocessableEntity, code: "ledger.rowsInvalid",
                           message: "\(preview.counts.invalid) 行有问题,未导入任何内容。请修改后重新导入。",
                           violations: Array(violations.prefix(500)))
        }
        guard preview.counts.create + preview.counts.update > 0 else { return preview }
        let digest = Hex.string(SHA256.hash(data: data))
        try await db.writeTransaction { tx in
            try await write(plan, on: tx, fileDigest: digest)
        }
        if preview.counts.create >= 1_000 {
            // A bulk load changes what the query planner should assume.
            try await PlannerStatistics.refresh(force: true, on: db)
        }
        preview.applied = true
        return preview
    }

    private func write(_ plan: Plan, on tx: any Database, fileDigest: String) async throws {
        guard let sql = tx as? any SQLDatabase else { throw Abort(.internalServerError) }
        let inspectionID = plan.preview.inspectionID
        // New problems first, so tasks can point at them.
        var newProblemIDs: [Int: Int] = [:]
        for p in plan.preview.newProblems {
            let problem = Problem(inspectionID: inspectionID, ProblemDraft(number: p.number, text: p.text))
            try await problem.create(on: tx)
            newProblemIDs[p.number] = problem.id!
        }
        func problemID(_ ref: ProblemRef?) -> Int? {
            switch ref {
            case .existing(let id)?: id
            case .new(let n)?: newProblemIDs[n]
            case nil: nil
            }
        }
        let now = Date()
        let start = [plan.inspection.planApprovedDate, plan.inspection.feedbackDate].compactMap { $0 }
            .compactMap(LocalDate.init(iso:)).first ?? today
        var settingsByRegion: [Int: ScheduleSettings] = [:]
        var created: [Int] = []
        var updated: [Int] = []

        // Creates, in batches of one multi-row INSERT each, ids back by RETURNING.
        let creates = plan.resolved.filter { $0.existing == nil }
        for batch in stride(from: 0, to: creates.count, by: 200).map({ Array(creates[$0..<min($0 + 200, creates.count)]) }) {
            var values: [[any SQLExpression]] = []
            for r in batch {
                let row = r.row
                // The plan refuses rows without a readable deadline; this holds if that ever changes.
                guard let reading = row.deadline else {
                    throw AppError(status: .unprocessableEntity, code: "import.deadlineMissing", message: "第 \(row.line) 行没有可识别的整改时限")
                }
                let status = row.status
                let state: TaskState = switch status {
                case .completed?: .closed
                case .basicallyCompleted?: .accepted
                case nil: .assigned
                default: .inProgress
                }
                let responsible = Set(r.assignments.filter { $0.role == .responsible }.map(\.unitID))
                let region = RegionCatalog.commonAncestor(responsible.compactMap { plan.unitRegions[$0] })
                    ?? plan.inspection.$targetRegion.id
                if settingsByRegion[region] == nil {
                    settingsByRegion[region] = try await OfficeSettings.effective(for: region, on: tx)
                }
                let facts = ScheduleFacts(state: state, kind: reading.kind, start: start, deadline: reading.deadline,
                                          milestones: row.milestones.map { MilestoneFact(date: $0.date, description: $0.description, reached: false) })
                let assessment = Schedule.assess(facts, today: today, settings: settingsByRegion[region]!)
                let light = assessment?.light.rawValue
                let recorded = status ?? PublicStatusWords.of(state: state, kind: reading.kind,
                                                              basicallyCompleted: status == .basicallyCompleted,
                                                              assessment: assessment).status
                let binds: [any Encodable & Sendable] = [
                    inspectionID, row.number!, row.title, row.target, row.measures, reading.kind.rawValue,
                    reading.deadline?.iso, row.leadOfficial, false, state.rawValue, recorded.rawValue, "", now, now,
                    status == .basicallyCompleted, 0, (row.originalDeadline ?? reading.deadline)?.iso, 1, access.userID == 0 ? nil : access.userID,
                    light, region, start.iso, light == nil ? nil : today.iso,
                ]
                values.append(binds.map { SQLBind($0) })
            }
            struct Inserted: Decodable { let id: Int; let number: Int }
            let insert = sql.insert(into: "tasks")
                .columns("inspection_id", "number", "title", "target", "measures", "kind", "deadline", "lead_official",
                         "typical", "state", "progress_status", "remarks", "created_at", "updated_at",
                         "basically_completed", "rebound_count", "original_deadline", "version", "updated_by",
                         "light", "region_code", "assigned_on", "light_since")
            for v in values { insert.values(v) }
            let rows = try await insert.returning("id", "number").all(decoding: Inserted.self)
            let ids = Dictionary(rows.map { ($0.number, $0.id) }, uniquingKeysWith: { a, _ in a })
            var unitRows: [[any SQLExpression]] = [], problemRows: [[any SQLExpression]] = [], milestoneRows: [[any SQLExpression]] = []
            for r in batch {
                guard let number = r.row.number, let id = ids[number] else {
                    throw AppError(status: .internalServerError, code: "import.insertLost", message: "导入时新建的任务未能取回编号,已全部撤销,请重试")
                }
                created.append(id)
                for a in r.assignments { unitRows.append([SQLBind(id), SQLBind(a.unitID), SQLBind(a.role.rawValue)]) }
                if let p = problemID(r.problem) { problemRows.append([SQLBind(id), SQLBind(p)]) }
                for m in r.row.milestones {
                    milestoneRows.append([SQLBind(id), SQLBind(m.date.iso), SQLBind(m.description)])
                }
            }
            try await insertRows(sql, "task_units", ["task_id", "unit_id", "role"], unitRows)
            try await insertRows(sql, "task_problems", ["task_id", "problem_id"], problemRows)
            try await insertRows(sql, "task_milestones", ["task_id", "date", "description"], milestoneRows)
        }

        // Updates: the plan fields the sheet has, with the task's version bumped and audited.
        let service = LifecycleService(db: tx, access: access, clock: clock)
        for r in plan.resolved where !r.changes.isEmpty {
            guard let e = r.existing else { continue }
            let t = e.task
            let before = TaskSnapshot(t)
            let id = t.id!
            t.title = r.row.title
            if r.header.contains(.target) { t.target = r.row.target }
            if r.header.contains(.measures) { t.measures = r.row.measures }
            if r.header.contains(.leadOfficial) { t.leadOfficial = r.row.leadOfficial }
            if let d = r.row.deadline {
                t.deadline = d.deadline?.iso
                t.kind = d.kind
            }
            if r.header.contains(.originalDeadline), let o = r.row.originalDeadline { t.originalDeadline = o.iso }
            let fields: [(LedgerSheet.Field, UnitRole)] = [(.responsible, .responsible), (.cooperating, .cooperating),
                                                           (.supervising, .supervising), (.acceptance, .acceptance)]
            for (field, role) in fields where r.header.contains(field) {
                let wanted = Set(r.assignments.filter { $0.role == role })
                let have = e.assignments.filter { $0.role == role }
                guard wanted != have else { continue }
                try await TaskUnit.query(on: tx).filter(\.$task.$id == id).filter(\.$role == role.rawValue).delete()
                for a in r.assignments where a.role == role { try await TaskUnit(taskID: id, a).create(on: tx) }
                // Other acceptance units, other steps: a chain part-way along starts again.
                if role == .acceptance, t.acceptanceStep > 0, t.state == .completionSubmitted { t.acceptanceStep = 0 }
            }
            if r.header.contains(.milestones), Set(r.row.milestones) != Set(e.milestones) {
                try await TaskMilestone.query(on: tx).filter(\.$task.$id == id).delete()
                for m in r.row.milestones { try await TaskMilestone(taskID: id, m).create(on: tx) }
            }
            if let p = problemID(r.problem), !e.problemIDs.contains(p) {
                try await TaskProblem(taskID: id, problemID: p).create(on: tx)
            }
            try await service.commit(t, before: before, action: .taskImport, on: tx)
            updated.append(id)
        }

        struct Summary: Encodable { let file: String; let created: Int; let updated: Int; let problemsCreated: Int }
        try await Audit.record(on: tx, actor: access.auditActor, action: .ledgerImport, recordType: "inspection",
                               recordID: inspectionID, taskID: nil, before: Optional<Summary>.none,
                               after: Summary(file: fileDigest, created: created.count, updated: updated.count,
                                              problemsCreated: newProblemIDs.count), now: clock.now())
    }

    private func insertRows(_ sql: any SQLDatabase, _ table: String, _ columns: [String], _ rows: [[any SQLExpression]]) async throws {
        for start in stride(from: 0, to: rows.count, by: 500) {
            let insert = sql.insert(into: table).columns(columns)
            for row in rows[start..<min(start + 500, rows.count)] { insert.values(row) }
            try await insert.run()
        }
    }
}
