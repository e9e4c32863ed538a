import Fluent
import SQLKit
import Vapor
import RectifyCore

/// The ledger (台账): the task list with its filters, sort and pages, and the
/// dashboard counts, in SQL that uses the indexes of migrations 007–009 (region
/// subtrees are code ranges; state, light, status and deadline are indexed with the
/// region). The user's scope is part of every query.
struct LedgerQuery {
    struct Filter: Content {
        var inspection: Int?
        var region: Int?
        var unit: Int?
        var state: TaskState?
        var light: WarningLight?
        var status: PublicStatus?
        var kind: TaskKind?
        var tag: DomainTag?
        var deadlineFrom: LocalDate?
        var deadlineTo: LocalDate?
        var q: String?
        /// Only tasks whose deadline was extended (current differs from original).
        var extended: Bool?
        /// Only tasks red since this day or earlier (order suggestions).
        var redSince: LocalDate?
        /// Only tasks with no open supervision order.
        var noOpenOrder: Bool?
        /// Only tasks assigned on this day or earlier that an assigned unit has not claimed.
        var unclaimedSince: LocalDate?
        /// Only the tasks split from this task (drilling down a roll-up).
        var parent: Int?
        /// List sub-tasks too. By default an office lists its roots: the tasks of its region
        /// whose parent task (if any) lies outside the region it views, so a province counts
        /// each task of its plan once and a city lists what was split to it (issue 14 §3).
        var subtasks: Bool?
        /// number (default), deadline, updated, light (red first; slow on very large scopes)
        var sort: String?
        var page: Int?
        var per: Int?
    }

    /// One task of the ledger: the SQL row and the API's list item are this one type, named
    /// as the task's detail names the same fields (the SQL aliases the columns).
    struct Row: Content, JSONWritable {
        let id: Int
        let inspectionID: Int
        let number: Int
        let title: String
        let kind: TaskKind
        let state: TaskState
        let deadline: String?
        let originalDeadline: String?
        let light: WarningLight?
        let progressStatus: PublicStatus?
        let regionCode: Int?
        let version: Int
        let lightSince: String?
        let assignedOn: String?
        /// 编号 as people read it: 22, or 22-3 for a sub-task.
        let code: String
        let parentTaskID: Int?
        /// The region of the task it was split from: where it came from.
        let parentRegionCode: Int?
        /// How many sub-tasks were split from it (0 when none).
        let subtasksTotal: Int

        /// Read column by column, each as text or integer (`SQLRow.text`, `.integer`): SQLKit's
        /// Codable row decoder took a third of the API list's time, and decoding an optional or
        /// an enum column through `decode(column:as:)` another sixth. (`init(from:)` stays for
        /// the JSON body and the API contract.)
        init(row r: any SQLRow) throws {
            id = try r.integer("id")
            inspectionID = try r.integer("inspectionID")
            number = try r.integer("number")
            title = try r.text("title")
            kind = try r.value("kind")
            state = try r.value("state")
            deadline = try r.textOrNil("deadline")
            originalDeadline = try r.textOrNil("originalDeadline")
            light = try r.valueOrNil("light")
            progressStatus = try r.valueOrNil("progressStatus")
            regionCode = try r.integerOrNil("regionCode")
            version = try r.integer("version")
            lightSince = try r.textOrNil("lightSince")
            assignedOn = try r.textOrNil("assignedOn")
            code = try r.textOrNil("code") ?? String(number)
            parentTaskID = try r.integerOrNil("parentTaskID")
            parentRegionCode = try r.integerOrNil("parentRegionCode")
            subtasksTotal = try r.integer("subtasksTotal")
        }

        func write(to json: inout JSONWriter) {
            json.beginObject()
            json.field("id", id)
            json.field("inspectionID", inspectionID)
            json.field("number", number)
            json.field("title", title)
            json.field("kind", kind)
            json.field("state", state)
            json.field("deadline", deadline)
            json.field("originalDeadline", originalDeadline)
            json.field("light", light)
            json.field("progressStatus", progressStatus)
            json.field("regionCode", regionCode)
            json.field("version", version)
            json.field("lightSince", lightSince)
            json.field("assignedOn", assignedOn)
            json.field("code", code)
            json.field("parentTaskID", parentTaskID)
            json.field("parentRegionCode", parentRegionCode)
            json.field("subtasksTotal", subtasksTotal)
            json.endObject()
        }

        static let columns: SQLQueryString = """
            tasks.id, tasks.inspection_id AS "inspectionID", tasks.number, tasks.title, tasks.kind, tasks.state, tasks.deadline, \
            tasks.original_deadline AS "originalDeadline", tasks.light, tasks.progress_status AS "progressStatus", \
            tasks.region_code AS "regionCode", tasks.version, tasks.light_since AS "lightSince", tasks.assigned_on AS "assignedOn", \
            tasks.code, tasks.parent_task_id AS "parentTaskID", \
            tasks.parent_region_code AS "parentRegionCode", tasks.subtasks_total AS "subtasksTotal"
            """
    }

    struct Page<T: Content>: Content {
        let items: [T]
        let page: Int
        let per: Int
        let total: Int

        /// Written by hand (`JSONWriter`) when its items write themselves; as any Content otherwise.
        func encodeResponse(for request: Request) async throws -> Response {
            guard let writable = self as? any JSONWritable else {
                let response = Response()
                try response.content.encode(self)
                return response
            }
            var json = JSONWriter(allocator: request.byteBufferAllocator, capacity: 256 * max(items.count, 1))
            writable.write(to: &json)
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(buffer: json.buffer))
        }
    }

    let access: Access

    /// The scope condition: which tasks this user may read at all.
    var scope: SQLQueryString { scope(seek: true) }

    /// `seek: false` writes the region range so the planner will not walk its index: for a
    /// text search, which reads every row of the scope anyway, a plain scan of the table
    /// is four times faster than following the index to each row (SQLite, 100,000 tasks:
    /// 139 ms against 32 ms).
    func scope(seek: Bool) -> SQLQueryString {
        if access.isAdmin { return "1 = 1" }
        var any: [SQLQueryString] = []
        if let range = access.oversight, access.roles.contains(.office) || access.roles.contains(.leader) {
            // A code range on an indexed column: the region subtree without a join.
            any.append("\(unsafeRaw: seek ? "" : "+")tasks.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound)")
        }
        // Driven from the (unit_id, role) index of task_units.
        if let unit = access.unitID, access.roles.contains(.unit) {
            any.append("tasks.id IN (SELECT su.task_id FROM task_units su WHERE su.unit_id = \(bind: unit) AND su.role <> 'acceptance')")
        }
        if let unit = access.unitID, access.roles.contains(.acceptor) {
            any.append("tasks.id IN (SELECT su.task_id FROM task_units su WHERE su.unit_id = \(bind: unit) AND su.role = 'acceptance')")
        }
        return any.isEmpty ? "1 = 0" : "(" + any.joined(separator: " OR ") + ")"
    }

    /// The roots of the region viewed (the filter's region, else the office's): tasks not split
    /// from a task of that same region. Units list every task they hold, split or not.
    func rootsCondition(_ f: Filter) -> SQLQueryString? {
        let range = f.region.map(Access.subtree(of:))
            ?? (access.roles.contains(.office) || access.roles.contains(.leader) ? access.oversight : nil)
        if let range {
            return "(tasks.parent_region_code IS NULL OR tasks.parent_region_code NOT BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound))"
        }
        return access.isAdmin ? "tasks.parent_task_id IS NULL" : nil
    }

    func conditions(_ f: Filter) -> SQLQueryString {
        var c: [SQLQueryString] = [scope(seek: f.q?.isEmpty != false)]
        if let p = f.parent {
            c.append("tasks.parent_task_id = \(bind: p)")
        } else if f.subtasks != true, let roots = rootsCondition(f) {
            c.append(roots)
        }
        if let i = f.inspection { c.append("tasks.inspection_id = \(bind: i)") }
        if let r = f.region {
            let range = Access.subtree(of: r)
            c.append("tasks.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound)")
        }
        if let u = f.unit { c.append("tasks.id IN (SELECT fu.task_id FROM task_units fu WHERE fu.unit_id = \(bind: u))") }
        if let s = f.state { c.append("tasks.state = \(bind: s.rawValue)") }
        if let l = f.light { c.append("tasks.light = \(bind: l.rawValue)") }
        if let s = f.status { c.append("tasks.progress_status = \(bind: s.rawValue)") }
        if let k = f.kind { c.append("tasks.kind = \(bind: k.rawValue)") }
        if let t = f.tag { c.append("tasks.id IN (SELECT ft.task_id FROM task_tags ft WHERE ft.tag = \(bind: t.rawValue))") }
        if let d = f.deadlineFrom { c.append("tasks.deadline >= \(bind: d.iso)") }
        if let d = f.deadlineTo { c.append("tasks.deadline <= \(bind: d.iso)") }
        if f.extended == true { c.append("tasks.deadline <> tasks.original_deadline") }
        if let d = f.redSince { c.append("tasks.light = 'red' AND tasks.light_since <= \(bind: d.iso)") }
        if f.noOpenOrder == true {
            c.append("""
                tasks.id NOT IN (SELECT ot.task_id FROM supervision_order_tasks ot \
                JOIN supervision_orders o ON o.id = ot.order_id WHERE o.closed_at IS NULL)
                """)
        }
        if let d = f.unclaimedSince {
            c.append("""
                tasks.state = 'assigned' AND tasks.assigned_on <= \(bind: d.iso) AND EXISTS (SELECT 1 FROM task_units cu \
                WHERE cu.task_id = tasks.id AND cu.role <> 'acceptance' AND NOT EXISTS (SELECT 1 FROM task_claims cc \
                WHERE cc.task_id = tasks.id AND cc.unit_id = cu.unit_id))
                """)
        }
        if let q = f.q?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            let escaped = q.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            c.append("tasks.title LIKE \(bind: "%\(escaped)%") ESCAPE '\\'")
        }
        return c.joined(separator: " AND ")
    }

    /// The default order follows an index: by task number within one inspection, or,
    /// across inspections, by region, inspection and number (the 总账 grouped by region).
    func order(_ f: Filter) -> SQLQueryString {
        switch f.sort {
        case "deadline": return "tasks.deadline, tasks.id"
        case "updated": return "tasks.updated_at DESC, tasks.id"
        case "light": return "CASE tasks.light WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'green' THEN 2 ELSE 3 END, tasks.id"
        default: return f.inspection == nil ? "tasks.region_code, tasks.inspection_id, tasks.number" : "tasks.inspection_id, tasks.number"
        }
    }

    /// The page and its size as the query reads them. Requests arrive validated (Filter.decode);
    /// the clamp keeps other callers safe too.
    static func paging(_ f: Filter) -> (page: Int, per: Int) {
        (min(max(f.page ?? 1, Bounds.page.lowerBound), Bounds.page.upperBound),
         min(max(f.per ?? 50, Bounds.per.lowerBound), Bounds.per.upperBound))
    }

    func pageSQL(_ f: Filter, withTotal: Bool = false) -> SQLQueryString {
        let (page, per) = Self.paging(f)
        return """
            SELECT \(Row.columns)\(unsafeRaw: withTotal ? ", COUNT(*) OVER () AS total_count" : "") \
            FROM tasks WHERE \(conditions(f)) ORDER BY \(order(f)) LIMIT \(literal: per) OFFSET \(literal: (page - 1) * per)
            """
    }

    func countSQL(_ f: Filter) -> SQLQueryString {
        "SELECT COUNT(*) AS n FROM tasks WHERE \(conditions(f))"
    }

    func groupSQL(_ column: String, _ f: Filter) -> SQLQueryString {
        "SELECT \(ident: column) AS k, COUNT(*) AS n FROM tasks WHERE \(conditions(f)) GROUP BY \(ident: column)"
    }

    /// One page of the filtered ledger and its total; `total` when the caller already has it
    /// (`cachedList`), counted here otherwise.
    func list(_ f: Filter, on db: any Database, total known: Int? = nil) async throws -> Page<Row> {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        struct Count: Decodable { let n: Int }
        let (page, per) = Self.paging(f)
        if let known {
            return Page(items: try await sql.raw(pageSQL(f)).all().map(Row.init(row:)), page: page, per: per, total: known)
        }
        if f.q?.isEmpty == false {
            // A text search scans the matching rows anyway: count them in the same pass.
            let raw = try await sql.raw(pageSQL(f, withTotal: true)).all()
            if let first = raw.first {
                let rows = try raw.map(Row.init(row:))
                return Page(items: rows, page: page, per: per, total: try first.decode(column: "total_count", as: Int.self))
            }
        }
        let total = try await sql.raw(countSQL(f)).first(decoding: Count.self)?.n ?? 0
        let rows = try await sql.raw(pageSQL(f)).all().map(Row.init(row:))
        return Page(items: rows, page: page, per: per, total: total)
    }

    /// What a filtered ledger shows besides its page: the total, and the light chips
    /// (counted without the light filter, so each chip says how many tasks it would show).
    struct Tally: Sendable {
        let total: Int
        let byLight: [String: Int]
    }

    /// One statement: the light chips, and the total read from them.
    func tally(_ f: Filter, on db: any Database) async throws -> Tally {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var all = f
        all.light = nil
        struct Group: Decodable { let k: String?; let n: Int }
        let rows = try await sql.raw(groupSQL("light", all)).all(decoding: Group.self)
        let byLight = Dictionary(rows.map { ($0.k ?? Counts.noValue("light"), $0.n) }, uniquingKeysWith: +)
        return Tally(total: f.light.map { byLight[$0.rawValue] ?? 0 } ?? byLight.values.reduce(0, +), byLight: byLight)
    }

    /// The cache's name for a filter's tally in this scope: every field of the filter but
    /// the page's (page, size, order), so two filters share a tally only if they select the same tasks.
    func tallyKey(_ f: Filter) -> String {
        var key = f
        (key.page, key.per, key.sort) = (nil, nil, nil)
        return cacheKey("ledger.tally", key)
    }

    /// A cache key for `f` in this scope: the filter's fields in a fixed order.
    func cacheKey(_ kind: String, _ f: Filter) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let filter = (try? encoder.encode(f)).map { String(decoding: $0, as: UTF8.self) } ?? UUID().uuidString
        return "\(kind)|\(access.scopeKey)|\(filter)"
    }

    /// `list`, with the tally and the first pages cached per scope and filter until the data changes
    /// (AggregateCache): it is the same for every viewer of the scope, and at 100,000
    /// tasks counting them is most of the list's time (9 ms against 0.3 ms for a page).
    /// A text search is counted with its page, in one pass, and has no light chips.
    func cachedList(_ f: Filter, req: Request) async throws -> (Page<Row>, Tally?) {
        let db = req.db
        guard f.q?.isEmpty != false else { return (try await list(f, on: db), nil) }
        let tally = try await req.cachedAggregate(tallyKey(f)) { try await self.tally(f, on: db) }
        guard Self.cachesPage(f) else { return (try await list(f, on: db, total: tally.total), tally) }
        let page = try await req.cachedAggregate(pageKey(f)) { try await self.list(f, on: db, total: tally.total) }
        return (page, tally)
    }

    /// The first pages of a filter, which is where people read, are the same for every viewer of
    /// the scope; deeper ones are read as asked (a crawl through them would only churn the cache),
    /// and a text search is read with its count in one pass.
    static func cachesPage(_ f: Filter) -> Bool { f.q?.isEmpty != false && paging(f).page <= 5 }

    /// The cache's name for one page of a filter in this scope: every field, the page's too, with
    /// the page and its size as the query reads them (page=1 and none, per=999 and 200 are one page).
    func pageKey(_ f: Filter) -> String {
        var key = f
        (key.page, key.per) = Self.paging(f)
        return cacheKey("ledger.page", key)
    }

    struct Counts: Content {
        var byState: [String: Int]
        var byLight: [String: Int]
        var byStatus: [String: Int]
        var total: Int
        /// Tasks whose deadline was extended.
        var extended: Int

        /// The key of tasks with no value: `unassessed` for the public status (as in every
        /// other answer of the API), `none` for the light (不预警).
        static func noValue(_ column: String) -> String { column == "progress_status" ? "unassessed" : "none" }
    }

    /// Dashboard counts in the user's scope (optionally one inspection).
    func counts(inspection: Int?, on db: any Database) async throws -> Counts {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var f = Filter()
        f.inspection = inspection
        struct Group: Decodable { let k: String?; let n: Int }
        func group(_ column: String) async throws -> [String: Int] {
            let rows = try await sql.raw(groupSQL(column, f)).all(decoding: Group.self)
            return Dictionary(rows.map { ($0.k ?? Counts.noValue(column), $0.n) }, uniquingKeysWith: +)
        }
        let byState = try await group("state")
        var e = f
        e.extended = true
        struct Count: Decodable { let n: Int }
        let extended = try await sql.raw(countSQL(e)).first(decoding: Count.self)?.n ?? 0
        return Counts(byState: byState, byLight: try await group("light"), byStatus: try await group("progress_status"),
                      total: byState.values.reduce(0, +), extended: extended)
    }
}

extension LedgerQuery.Page: JSONWritable where T: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("items", array: items)
        json.field("page", page)
        json.field("per", per)
        json.field("total", total)
        json.endObject()
    }
}
