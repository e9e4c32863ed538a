import Fluent
import SQLKit
import Vapor
import RectifyCore

/// Who may see and do what on which record (issue 3 §9), in one place:
/// - admin: everything;
/// - office: tasks of its region and everything below it (a task belongs to the
///   region of its responsible units: their smallest common region);
/// - unit: tasks its unit is assigned to, acting only in its unit's role there;
/// - acceptor: tasks whose acceptance unit is its unit;
/// - leader: reads everything in its region, may write an instruction (批示);
/// - public: published data only (no login).
/// A record a user may not read answers 404, so its existence is not revealed; a
/// record they may read but not act on answers 403.
struct Access: Sendable {
    let userID: Int
    let name: String
    let roles: Set<Role>
    let unitID: Int?
    /// The region code of the user's unit.
    let regionCode: Int?

    static func load(_ user: User, on db: any Database) async throws -> Access {
        try of(user, unit: user.$unit.id == nil ? nil : try await Unit.find(user.$unit.id, on: db))
    }

    /// The access of `user`, whose unit (if any) was read with it.
    static func of(_ user: User, unit: Unit?) throws -> Access {
        Access(userID: try user.requireID(), name: user.displayName, roles: user.roles, unitID: user.$unit.id,
               regionCode: unit?.$region.id)
    }

    var isAdmin: Bool { roles.contains(.admin) }

    /// What decides which tasks this user may read (see `LedgerQuery.scope`): users with the
    /// same key see the same tasks, so they may share cached aggregates.
    var scopeKey: String {
        "\(Role.allCases.filter(roles.contains).map(\.rawValue).joined(separator: ","))|\(unitID ?? 0)|\(regionCode ?? 0)"
    }

    /// The command line acting for the whole installation (rectify report, export).
    static let system = Access(userID: 0, name: "系统", roles: [.admin], unitID: nil, regionCode: nil)

    /// The codes of a region and everything below it, as a range: GB/T 2260 codes nest
    /// by digits (210000 ⊃ 211400 ⊃ 211481).
    /// A code that is not six digits has no subtree but itself (and no arithmetic).
    static func subtree(of code: Int) -> ClosedRange<Int> {
        guard Bounds.region.contains(code) else { return code...code }
        if code % 10_000 == 0 { return code...(code + 9_999) }
        if code % 100 == 0 { return code...(code + 99) }
        return code...code
    }

    /// The region subtree an office or leader oversees.
    var oversight: ClosedRange<Int>? { regionCode.map(Access.subtree(of:)) }

    func oversees(_ regionCodes: [Int], as role: Role) -> Bool {
        if isAdmin { return true }
        guard roles.contains(role), let range = oversight else { return false }
        return regionCodes.contains { range.contains($0) }
    }

    /// The roles this user's unit holds on a task.
    func unitRoles(on task: TaskView) -> Set<UnitRole> {
        guard let unitID else { return [] }
        return Set(task.assignments.filter { $0.unitID == unitID }.map(\.role))
    }

    func canRead(_ task: TaskView) -> Bool {
        if isAdmin || oversees(task.regionCodes, as: .office) || oversees(task.regionCodes, as: .leader) { return true }
        let mine = unitRoles(on: task)
        if roles.contains(.unit), !mine.subtracting([.acceptance]).isEmpty { return true }
        if roles.contains(.acceptor), mine.contains(.acceptance) { return true }
        return false
    }

    func actorFacts(on task: TaskView) -> ActorFacts {
        ActorFacts(roles: roles, officeOverTask: oversees(task.regionCodes, as: .office), unitRoles: unitRoles(on: task),
                   atAcceptanceStep: task.acceptance.admits(self))
    }

    func isOffice(over task: TaskView) -> Bool { oversees(task.regionCodes, as: .office) }

    /// The audit trail's name for this user.
    var auditActor: Audit.Actor { Audit.Actor(userID: userID, name: name) }
}

/// A task with what access decisions need: its assignments and the regions it belongs to.
struct TaskView: Sendable {
    struct Assignment: Sendable {
        let unitID: Int
        let unitName: String
        let unitRegion: Int
        let role: UnitRole
    }

    let task: TaskRecord
    let assignments: [Assignment]

    var inspection: Inspection? { task.$inspection.value }

    var id: Int { task.id! }

    /// The region the task belongs to (see `Store.createTask`).
    var regionCodes: [Int] { [task.regionCode].compactMap { $0 } }

    func units(_ role: UnitRole) -> [Assignment] { assignments.filter { $0.role == role } }

    /// Where the task stands in its inspection's acceptance chain (issue 14 §2).
    var acceptance: AcceptanceState {
        let chain = AcceptanceChain.decode(inspection?.acceptanceChain)
        let steps = AcceptanceChain.steps(chain, acceptorLevels: Set(units(.acceptance).map { RegionLevel.of($0.unitRegion) }))
        return AcceptanceState(steps: steps, passed: task.acceptanceStep)
    }

    /// The task with its inspection, and its units: two statements.
    static func load(_ id: Int, on db: any Database) async throws -> TaskView? {
        guard let task = try await TaskRecord.query(on: db).filter(\.$id == id)
            .join(Inspection.self, on: \TaskRecord.$inspection.$id == \Inspection.$id).first() else { return nil }
        task.$inspection.value = try task.joined(Inspection.self)
        // Plain rows: two models joined through Fluent reflected over both per unit.
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let links = try await sql.raw("""
            SELECT tu.unit_id, u.name, u.region_code, tu.role FROM task_units tu JOIN units u ON u.id = tu.unit_id \
            WHERE tu.task_id = \(bind: id) ORDER BY tu.id
            """).all()
        return TaskView(task: task, assignments: try links.compactMap { r in
            guard let role = UnitRole(rawValue: try r.text("role")) else { return nil }
            return Assignment(unitID: try r.integer("unit_id"), unitName: try r.text("name"), unitRegion: try r.integer("region_code"), role: role)
        })
    }
}

extension Request {
    /// The signed-in user's access, or 401.
    func access() async throws -> Access {
        guard let user = auth.get(User.self), user.active else { throw AppError.loginRequired }
        if let cached = storage[AccessKey.self] { return cached }
        let access = try await Access.load(user, on: db)
        storage[AccessKey.self] = access
        return access
    }

    /// The task, if this user may read it; 404 otherwise (existence not revealed).
    func readableTask(_ id: Int, on db: (any Database)? = nil) async throws -> (TaskView, Access) {
        let access = try await access()
        guard let view = try await TaskView.load(id, on: db ?? self.db), access.canRead(view) else {
            throw AppError.notFound
        }
        return (view, access)
    }
}

struct AccessKey: StorageKey {
    typealias Value = Access
}

/// A task's steps of acceptance and how many it has passed since it was submitted.
struct AcceptanceState: Sendable {
    let steps: [AcceptanceStep]
    let passed: Int

    /// The step to take now; nil without a chain (one step by any acceptance unit).
    var current: AcceptanceStep? { steps.indices.contains(passed) ? steps[passed] : nil }
    /// Steps still to pass, this one included.
    var left: Int { steps.isEmpty ? 1 : max(steps.count - passed, 1) }

    /// Whether this user's unit is at the current step's level.
    func admits(_ access: Access) -> Bool {
        guard let current else { return true }
        return access.regionCode.map(RegionLevel.of) == current.level
    }
}
