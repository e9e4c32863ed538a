import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// Importing a batch's list from the team's Excel or CSV (issue 13 §2): a preview that
/// writes nothing, then the same file in one transaction if every row is right. A case
/// number already in the batch is left as it is, so the same file twice adds nothing.
enum PetitionImport {
    struct RowPlan: Content {
        let line: Int
        let caseNumber: String
        /// create, exists (already in the batch) or error.
        let action: String
        let problems: [String]
        /// How many earlier cases are about the same place.
        let repeats: Int
    }

    struct Preview: Content {
        let batchID: Int
        let format: String
        let headerLine: Int
        let create: Int
        let exists: Int
        let errors: Int
        let rows: [RowPlan]
        var applied: Bool
    }

    struct Plan {
        let preview: Preview
        let cases: [PetitionService.NewCase]
    }

    static func plan(batchID: Int, data: Data, access: Access, on db: any Database) async throws -> Plan {
        guard let batch = try await PetitionBatch.find(batchID, on: db),
              let inspection = try await Inspection.find(batch.$inspection.id, on: db) else { throw AppError.notFound }
        let target = inspection.$targetRegion.id
        guard PetitionAccess(access: access).canManage(region: target) else {
            throw AppError(status: .forbidden, code: "petition.forbidden", message: "只有本地区整改办可以导入交办批次")
        }
        let (format, cells, lines) = try LedgerImport.cells(of: data)
        let (headerLine, rows) = try PetitionSheet.rows(cells, lines: lines)
        let range = Access.subtree(of: target)
        let regions = try await Region.query(on: db).filter(\.$id >= range.lowerBound).filter(\.$id <= range.upperBound).all()
        let regionByName = Dictionary(regions.map { ($0.name, $0.id ?? target) }, uniquingKeysWith: { a, _ in a })
        let names = Set(rows.flatMap(\.units))
        let units = names.isEmpty ? [] : try await Unit.query(on: db).filter(\.$name ~~ names).all()
        let unitByName = Dictionary(units.map { ($0.name, $0.id ?? 0) }, uniquingKeysWith: { a, _ in a })
        let existing = Set(try await PetitionCase.query(on: db).filter(\.$batch.$id == batchID).all(\.$caseNumber))
        let keys = Array(Set(rows.map { PlaceKey.of($0.place) }.filter { !$0.isEmpty }))
        var known: [String: Int] = [:]
        if !keys.isEmpty, let sql = db as? any SQLDatabase {
            struct K: Decodable { let place_key: String; let n: Int }
            for chunk in stride(from: 0, to: keys.count, by: 500) {
                let part = Array(keys[chunk..<min(chunk + 500, keys.count)])
                for k in try await sql.raw("""
                    SELECT place_key, COUNT(*) AS n FROM petition_cases WHERE place_key IN (\(binds: part)) GROUP BY place_key
                    """).all(decoding: K.self) { known[k.place_key] = k.n }
            }
        }
        var plans: [RowPlan] = []
        var cases: [PetitionService.NewCase] = []
        var seen: Set<String> = []
        var inFile: [String: Int] = [:]
        for r in rows {
            var problems = r.violations.map(\.message)
            var region = target
            if !r.region.isEmpty {
                if let code = regionByName[r.region] { region = code } else { problems.append("行政区域“\(r.region)”不在本次督察的地区之内") }
            }
            let unitIDs = r.units.compactMap { unitByName[$0] }
            for name in r.units where unitByName[name] == nil { problems.append("办理单位“\(name)”不在单位名录中") }
            if seen.contains(r.caseNumber), !r.caseNumber.isEmpty { problems.append("受理编号 \(r.caseNumber) 在文件中重复") }
            seen.insert(r.caseNumber)
            let key = PlaceKey.of(r.place)
            let repeats = (known[key] ?? 0) + (inFile[key] ?? 0)
            let action: String
            if !problems.isEmpty {
                action = "error"
            } else if existing.contains(r.caseNumber) {
                action = "exists"
            } else {
                action = "create"
                inFile[key, default: 0] += 1
                let complainant = [r.name, r.phone, r.idNumber, r.address].allSatisfy(\.isEmpty) ? nil
                    : PetitionService.Complainant(name: r.name, phone: r.phone, idNumber: r.idNumber, address: r.address)
                cases.append(.init(batchID: batchID, caseNumber: r.caseNumber, place: r.place, regionCode: region, complaint: r.complaint,
                                   pollutionKinds: r.kinds, keyCase: r.key, dueDate: r.dueDate, unitIDs: unitIDs,
                                   complainant: complainant, taskID: nil))
            }
            plans.append(RowPlan(line: r.line, caseNumber: r.caseNumber, action: action, problems: problems, repeats: repeats))
        }
        return Plan(preview: Preview(batchID: batchID, format: format, headerLine: headerLine,
                                     create: plans.filter { $0.action == "create" }.count,
                                     exists: plans.filter { $0.action == "exists" }.count,
                                     errors: plans.filter { $0.action == "error" }.count, rows: plans, applied: false),
                    cases: cases)
    }

    static func apply(batchID: Int, data: Data, access: Access, clock: AppClock, on db: any Database) async throws -> Preview {
        let plan = try await plan(batchID: batchID, data: data, access: access, on: db)
        guard plan.preview.errors == 0 else {
            let first = plan.preview.rows.first { $0.action == "error" }
            throw AppError(status: .unprocessableEntity, code: "petitionImport.rowsInvalid",
                           message: "有 \(plan.preview.errors) 行不对,未导入(第 \(first?.line ?? 0) 行:\(first?.problems.first ?? ""));请先预览并改正")
        }
        try await db.writeTransaction { tx in
            for c in plan.cases { _ = try await PetitionService.createCase(c, access: access, clock: clock, on: tx) }
        }
        var done = plan.preview
        done.applied = true
        return done
    }

    static func body(_ req: Request) throws -> Data { try ImportAPI.body(req) }

    static func previewRoute(req: Request) async throws -> Preview {
        try await plan(batchID: try req.intParameter("id"), data: try body(req), access: try await req.access(), on: req.db).preview
    }

    static func applyRoute(req: Request) async throws -> Preview {
        try await apply(batchID: try req.intParameter("id"), data: try body(req), access: try await req.access(),
                        clock: req.application.clock, on: req.db)
    }
}
