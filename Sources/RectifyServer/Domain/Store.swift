import Fluent
import RectifyCore

/// The one way in for every write of the foundation: each method checks the draft
/// against the domain rules (all violations at once) and then writes the record and
/// everything hanging off it in one transaction, or nothing.
struct Store {
    let db: any Database

    func regionCodesExisting(_ codes: [Int]) async throws -> Set<Int> {
        guard !codes.isEmpty else { return [] }
        let found = try await Region.query(on: db).filter(\.$id ~~ Set(codes)).all()
        return Set(found.compactMap(\.id))
    }

    func createUnit(_ draft: UnitDraft) async throws -> Unit {
        let regions = try await regionCodesExisting([draft.regionCode])
        let taken = try await Unit.query(on: db).filter(\.$name == draft.name).count() > 0
        var violations = draft.violations(regionExists: regions.contains, nameTaken: taken)
        if let parent = draft.parentUnitID, try await Unit.find(parent, on: db) == nil {
            violations.append(.init("unit.parentUnknown", field: "parentUnitID", "上级单位编号 \(parent) 不存在"))
        }
        try violations.throwIfAny()
        let unit = Unit(draft)
        try await unit.create(on: db)
        return unit
    }

    /// `passwordHash` is computed by the caller (the server's Bcrypt hasher) after
    /// the password passed `AccountRules`.
    func createUser(displayName: String, login: String, password: String, unitID: Int?, roles: Set<Role>,
                    hash: (String) throws -> String) async throws -> User {
        var violations = AccountRules.loginViolations(login) + AccountRules.passwordViolations(password)
        if displayName.allSatisfy(\.isWhitespace) {
            violations.append(.init("user.nameRequired", field: "displayName", "请填写姓名"))
        }
        if roles.isEmpty {
            violations.append(.init("user.roleRequired", field: "roles", "至少需要一个角色"))
        }
        if let unitID {
            if try await Unit.find(unitID, on: db) == nil {
                violations.append(.init("user.unitUnknown", field: "unitID", "单位编号 \(unitID) 不存在"))
            }
        } else if !roles.isDisjoint(with: [.unit, .acceptor, .office, .leader]) {
            violations.append(.init("user.unitRequired", field: "unitID", "除系统管理员外,用户必须属于一个单位"))
        }
        if try await User.query(on: db).filter(\.$login == login).count() > 0 {
            violations.append(.init("user.loginTaken", field: "login", "登录名“\(login)”已被使用"))
        }
        try violations.throwIfAny()
        let user = User(displayName: displayName, login: login, passwordHash: try hash(password),
                        unitID: unitID, roles: roles)
        try await user.create(on: db)
        return user
    }

    func setPassword(login: String, password: String, hash: (String) throws -> String) async throws {
        guard let user = try await User.query(on: db).filter(\.$login == login).first() else {
            throw ValidationFailure([.init("user.unknown", field: "login", "没有登录名为“\(login)”的用户")])
        }
        try AccountRules.passwordViolations(password).throwIfAny()
        user.passwordHash = try hash(password)
        let id = try user.requireID()
        try await db.writeTransaction { tx in
            try await user.save(on: tx)
            // A new password ends every session signed in with the old one.
            try await SessionStore.endAll(userID: id, on: tx)
        }
    }

    func createInspection(_ draft: InspectionDraft) async throws -> Inspection {
        let regions = try await regionCodesExisting([draft.targetRegionCode])
        try draft.violations(regionExists: regions.contains).throwIfAny()
        let inspection = Inspection(draft)
        try await inspection.create(on: db)
        return inspection
    }

    func createProblem(inspectionID: Int, _ draft: ProblemDraft) async throws -> Problem {
        let numbers = try await Problem.query(on: db).filter(\.$inspection.$id == inspectionID).all(\.$number)
        let regions = try await regionCodesExisting(draft.regionCodes)
        try draft.violations(existingNumbers: Set(numbers), regionExists: regions.contains).throwIfAny()
        return try await db.writeTransaction { tx in
            let problem = Problem(inspectionID: inspectionID, draft)
            try await problem.create(on: tx)
            for code in Set(draft.regionCodes).sorted() {
                try await ProblemRegion(problemID: problem.id!, regionCode: code).create(on: tx)
            }
            return problem
        }
    }

    /// `basicallyCompleted`: for tasks loaded already accepted as 基本完成、长期坚持.
    func createTask(inspectionID: Int, _ draft: TaskDraft, state: TaskState = .assigned,
                    remarks: String = "", basicallyCompleted: Bool = false, today: LocalDate = .today()) async throws -> TaskRecord {
        guard let inspection = try await Inspection.find(inspectionID, on: db) else {
            throw ValidationFailure([.init("task.inspectionUnknown", field: "inspectionID", "督察 \(inspectionID) 不存在")])
        }
        let numbers = try await TaskRecord.query(on: db).filter(\.$inspection.$id == inspectionID).all(\.$number)
        let unitIDs = Set(draft.assignments.map(\.unitID))
        let units = unitIDs.isEmpty ? [] : try await Unit.query(on: db).filter(\.$id ~~ unitIDs).all()
        let knownUnits = Set(units.compactMap(\.id))
        let problems = draft.problemIDs.isEmpty ? [] : try await Problem.query(on: db)
            .filter(\.$id ~~ Set(draft.problemIDs)).filter(\.$inspection.$id == inspectionID).all()
        let ownProblems = Set(problems.compactMap(\.id))
        var violations = draft.violations(existingNumbers: Set(numbers), unitExists: knownUnits.contains,
                                          problemBelongs: ownProblems.contains)
        // A task belongs where its responsible units are (per-city items to their city).
        let responsible = Set(draft.assignments.filter { $0.role == .responsible }.map(\.unitID))
        let regionCode = RegionCatalog.commonAncestor(units.filter { responsible.contains($0.id ?? 0) }.map(\.$region.id))
            ?? inspection.$targetRegion.id
        var parent: TaskRecord?
        if let parentID = draft.parentTaskID {
            parent = try await TaskRecord.query(on: db).filter(\.$id == parentID).filter(\.$inspection.$id == inspectionID).first()
            if let parent {
                violations += Self.subtaskViolations(draft, regionCode: regionCode, parent: parent)
            } else {
                violations.append(.init("task.parentUnknown", field: "parentTaskID", "上级任务 \(parentID) 不属于本次督察"))
            }
        }
        try violations.throwIfAny()
        let parentTask = parent
        return try await db.writeTransaction { tx in
            let task = TaskRecord(inspectionID: inspectionID, draft, state: state, remarks: remarks)
            task.regionCode = regionCode
            if let parent = parentTask {
                // Counted under the lock: two splits of one parent at once get 22-1 and 22-2.
                let siblings = try await TaskRecord.query(on: tx).filter(\.$parentTask.$id == parent.id).count()
                task.code = "\(parent.displayCode)-\(siblings + 1)"
                task.depth = parent.depth + 1
                task.parentRegionCode = parent.regionCode
            }
            task.basicallyCompleted = basicallyCompleted
            if state != .draft { task.assignedOn = inspection.planApprovedDate ?? inspection.feedbackDate ?? today.iso }
            try await task.create(on: tx)
            let id = try task.requireID()
            for a in draft.assignments { try await TaskUnit(taskID: id, a).create(on: tx) }
            for p in Set(draft.problemIDs).sorted() { try await TaskProblem(taskID: id, problemID: p).create(on: tx) }
            for m in draft.milestones { try await TaskMilestone(taskID: id, m).create(on: tx) }
            for t in Set(draft.tags).sorted(by: { $0.rawValue < $1.rawValue }) {
                try await TaskTag(taskID: id, tag: t).create(on: tx)
            }
            return task
        }
    }

    /// A task may be split while its work is still to do: not once it is submitted for acceptance.
    static let splittable: [TaskState] = [.draft, .assigned, .inProgress]

    /// How deep a split may go: province → city → county → township is three below the plan.
    static let maxSubtaskDepth = 4

    /// What a sub-task must respect of the task it is split from (issue 14 §1).
    static func subtaskViolations(_ draft: TaskDraft, regionCode: Int, parent: TaskRecord) -> [Violation] {
        var v: [Violation] = []
        if let parentRegion = parent.regionCode, !Access.subtree(of: parentRegion).contains(regionCode) {
            v.append(.init("task.subtaskOutsideParent", field: "assignments",
                           "子任务的责任单位须在上级任务所属地区(\(RegionCatalog.byCode[parentRegion]?.name ?? String(parentRegion)))之内"))
        }
        if let limit = parent.deadline.flatMap(LocalDate.init(iso:)) {
            if let own = draft.deadline, own > limit {
                v.append(.init("task.subtaskDeadlineLate", field: "deadline",
                               "子任务的整改时限不得晚于上级任务的整改时限(\(limit.chinese))"))
            } else if draft.deadline == nil && draft.kind == .timeLimited {
                v.append(.init("task.subtaskDeadlineRequired", field: "deadline", "请填写子任务的整改时限(不晚于\(limit.chinese))"))
            }
        }
        if parent.depth + 1 > maxSubtaskDepth {
            v.append(.init("task.subtaskTooDeep", field: "parentTaskID", "任务最多逐级分解 \(maxSubtaskDepth) 层"))
        }
        if !Store.splittable.contains(parent.state) {
            v.append(.init("task.parentFinished", field: "parentTaskID",
                           "上级任务为“\(parent.state.label)”,只有草稿、已交办、整改中的任务可以分解"))
        }
        return v
    }
}
