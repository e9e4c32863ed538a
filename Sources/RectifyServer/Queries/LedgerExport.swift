import Fluent
import SQLKit
import Vapor
import RectifyCore
import RectifyOffice

/// 台账导出 (issue 5 §2): any ledger filter, in the standard columns, as CSV or XLSX.
/// The matching ids are read once in the ledger's order; then tasks are read a
/// thousand at a time by id, each chunk's units, problems, milestones and latest
/// accepted narrative in one query apiece, and written out as they come, so memory
/// stays flat (a few bytes an id) however large the ledger.
struct LedgerExport {
    let query: LedgerQuery
    let db: any SQLDatabase

    struct TaskRow {
        let id: Int
        let inspection_id: Int
        let number: Int
        /// A sub-task's 编号 (22-3); nil for a task of the plan.
        let code: String?
        let title: String
        let target: String
        let measures: String
        let kind: String
        let deadline: String?
        let original_deadline: String?
        let lead_official: String
        let progress_status: String?
        let light: String?

        /// Column by column: cheaper than Decodable's keyed containers, which cost a
        /// fifth of a 100,000-task export's time.
        init(_ r: any SQLRow) throws {
            id = try r.decode(column: "id", as: Int.self)
            inspection_id = try r.decode(column: "inspection_id", as: Int.self)
            number = try r.decode(column: "number", as: Int.self)
            code = try r.decode(column: "code", as: String?.self)
            title = try r.decode(column: "title", as: String.self)
            target = try r.decode(column: "target", as: String.self)
            measures = try r.decode(column: "measures", as: String.self)
            kind = try r.decode(column: "kind", as: String.self)
            deadline = try r.decode(column: "deadline", as: String?.self)
            original_deadline = try r.decode(column: "original_deadline", as: String?.self)
            lead_official = try r.decode(column: "lead_official", as: String.self)
            progress_status = try r.decode(column: "progress_status", as: String?.self)
            light = try r.decode(column: "light", as: String?.self)
        }
    }

    /// Every matching task's id, in the ledger's order (its `sort` too): one sorted pass, then the rows
    /// are read by primary key a chunk at a time. (A keyset over the filtered order
    /// would rescan the region for each chunk: 10 s for 100,000 tasks instead of 2.)
    func ids(_ f: LedgerQuery.Filter) async throws -> [Int] {
        struct ID: Decodable { let id: Int }
        return try await db.raw("SELECT tasks.id FROM tasks WHERE \(query.conditions(f)) ORDER BY \(query.order(f))")
            .all(decoding: ID.self).map(\.id)
    }

    func chunk(_ ids: ArraySlice<Int>) async throws -> [TaskRow] {
        let rows = try await db.raw("""
            SELECT tasks.id, tasks.inspection_id, tasks.number, tasks.code, tasks.title, tasks.target, tasks.measures, tasks.kind, \
            tasks.deadline, tasks.original_deadline, tasks.lead_official, tasks.progress_status, tasks.light \
            FROM tasks WHERE tasks.id IN (\(binds: Array(ids)))
            """).all().map(TaskRow.init)
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        return rows.sorted { position[$0.id]! < position[$1.id]! }
    }

    static func date(_ iso: String?, kind: String) -> String {
        guard let iso, let d = LocalDate(iso: iso) else { return kind == TaskKind.longTerm.rawValue ? "长期坚持" : "" }
        return d.chinese
    }

    /// The cells of one chunk, a row per task in the standard columns; 序号 as a number.
    func rows(_ tasks: [TaskRow]) async throws -> [[XLSXWriter.Cell]] {
        let ids = tasks.map(\.id)
        struct UnitRow { let task_id: Int; let role: String; let name: String }
        struct ProblemRow: Decodable { let task_id: Int; let number: Int; let text: String }
        struct MilestoneRow: Decodable { let task_id: Int; let date: String; let description: String; let reached_on: String? }
        struct NarrativeRow: Decodable { let task_id: Int; let narrative: String }
        let units = try await db.raw("""
            SELECT tu.task_id, tu.role, u.name FROM task_units tu JOIN units u ON u.id = tu.unit_id \
            WHERE tu.task_id IN (\(binds: ids)) ORDER BY tu.id
            """).all().map { UnitRow(task_id: try $0.decode(column: "task_id", as: Int.self),
                                     role: try $0.decode(column: "role", as: String.self),
                                     name: try $0.decode(column: "name", as: String.self)) }
        let problems = try await db.raw("""
            SELECT tp.task_id, p.number, p.text FROM task_problems tp JOIN problems p ON p.id = tp.problem_id \
            WHERE tp.task_id IN (\(binds: ids)) ORDER BY p.number
            """).all(decoding: ProblemRow.self)
        let milestones = try await db.raw("""
            SELECT task_id, date, description, reached_on FROM task_milestones WHERE task_id IN (\(binds: ids)) ORDER BY date
            """).all(decoding: MilestoneRow.self)
        let narratives = try await db.raw("""
            SELECT task_id, narrative FROM progress_reports WHERE task_id IN (\(binds: ids)) AND status = 'accepted' \
            ORDER BY task_id, submitted_at DESC
            """).all(decoding: NarrativeRow.self)
        let unitsByTask = Dictionary(grouping: units, by: \.task_id)
        let problemsByTask = Dictionary(grouping: problems, by: \.task_id)
        let milestonesByTask = Dictionary(grouping: milestones, by: \.task_id)
        var latest: [Int: String] = [:]
        for n in narratives where latest[n.task_id] == nil { latest[n.task_id] = n.narrative }

        var out: [[XLSXWriter.Cell]] = []
        out.reserveCapacity(tasks.count)
        for t in tasks {
            let mine = unitsByTask[t.id] ?? []
            func names(_ role: UnitRole) -> String { mine.filter { $0.role == role.rawValue }.map(\.name).joined(separator: "、") }
            let problemText = (problemsByTask[t.id] ?? []).map { "\(ChineseNumeral.string($0.number) ?? String($0.number))、\($0.text)" }
                .joined(separator: "\n")
            let milestoneText = (milestonesByTask[t.id] ?? []).map { m in
                "\(LocalDate(iso: m.date)?.chinese ?? m.date):\(m.description)" + (m.reached_on == nil ? "" : "(已完成)")
            }.joined(separator: "\n")
            // A sub-task's 编号 is its code (22-3), written as text.
            out.append([t.code.map(XLSXWriter.Cell.text) ?? .number(t.number)] + [
                problemText, t.title, t.target, t.measures,
                names(.responsible), names(.cooperating), names(.supervising), names(.acceptance), t.lead_official,
                Self.date(t.deadline, kind: t.kind), Self.date(t.original_deadline, kind: t.kind), milestoneText,
                latest[t.id] ?? "", t.progress_status.flatMap(PublicStatus.init(rawValue:))?.label ?? "",
                t.light.flatMap(WarningLight.init(rawValue:))?.label ?? "",
            ].map(XLSXWriter.Cell.text))
        }
        return out
    }

    /// Hands every row of the export to `emit`, a chunk at a time.
    func each(_ f: LedgerQuery.Filter, chunkSize: Int = 1_000, emit: ([[XLSXWriter.Cell]]) async throws -> Void) async throws {
        let all = try await ids(f)
        for start in stride(from: 0, to: all.count, by: chunkSize) {
            try await emit(try await rows(try await chunk(all[start..<min(start + chunkSize, all.count)])))
        }
    }

    /// The whole export as CSV text through `emit`, chunk by chunk.
    func write(_ f: LedgerQuery.Filter, chunkSize: Int = 1_000, emit: (String) async throws -> Void) async throws {
        try await emit(CSV.byteOrderMark + CSV.line(LedgerColumns.headers))
        try await each(f, chunkSize: chunkSize) { rows in
            try await emit(rows.map { row in
                CSV.line(row.map { cell in
                    switch cell {
                    case .number(let n): String(n)
                    case .text(let s): s
                    }
                })
            }.joined())
        }
    }

    /// Column widths (characters) for the XLSX, in the standard columns' order.
    static let widths = [6, 40, 30, 30, 40, 18, 18, 14, 14, 10, 14, 14, 30, 40, 14, 8]

    /// The whole export as an XLSX workbook at `url`: rows stream to a temporary sheet
    /// file, so memory does not grow with the ledger.
    func writeXLSX(_ f: LedgerQuery.Filter, to url: URL) async throws {
        let writer = try XLSXWriter(sheetName: "整改台账", columnWidths: Self.widths)
        try writer.header(LedgerColumns.headers)
        try await each(f) { rows in for row in rows { try writer.append(row) } }
        try writer.finish(to: url)
    }
}

enum LedgerExportAPI {
    /// GET /api/v1/tasks/export.xlsx?<ledger filters>: built in a temporary file, then streamed.
    static func xlsx(req: Request) async throws -> Response {
        let filter: LedgerQuery.Filter
        filter = try LedgerQuery.Filter.decode(from: req)
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let export = LedgerExport(query: LedgerQuery(access: try await req.access()), db: sql)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-export-\(UUID().uuidString).xlsx")
        do {
            try await export.writeXLSX(filter, to: url)
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        let response = try await req.fileio.asyncStreamFile(at: url.path, onCompleted: { _ in
            try? FileManager.default.removeItem(at: url)
        })
        response.headers.replaceOrAdd(name: .contentType,
                                      value: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename*=UTF-8''%E5%8F%B0%E8%B4%A6.xlsx")
        return response
    }

    /// GET /api/v1/tasks/export.csv?<ledger filters>: streamed, in the user's scope.
    static func csv(req: Request) async throws -> Response {
        let filter: LedgerQuery.Filter
        filter = try LedgerQuery.Filter.decode(from: req)
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let export = LedgerExport(query: LedgerQuery(access: try await req.access()), db: sql)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename*=UTF-8''%E5%8F%B0%E8%B4%A6.csv")
        let logger = req.logger
        return Response(status: .ok, headers: headers, body: .init(asyncStream: { writer in
            do {
                try await export.write(filter) { try await writer.write(.buffer(ByteBuffer(string: $0))) }
                try await writer.write(.end)
            } catch {
                logger.error("ledger export failed: \(String(reflecting: error))")
                try await writer.write(.error(error))
            }
        }))
    }
}
