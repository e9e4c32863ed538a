import Fluent
import Plot
import Vapor
import RectifyCore

/// 逐级验收 of one inspection (issue 14 §2): the chain as it stands and, for its office, a form
/// naming the step of each level (a blank name: no step at that level).
struct AcceptanceChainView: PageView {
    let context: PageContext
    let inspectionID: Int
    let inspectionTitle: String
    let steps: [AcceptanceStep]
    let canEdit: Bool
    let state: FormState?

    var title: String { "逐级验收流程" }

    static let levels: [(RegionLevel, String, String)] = [
        (.county, "county", "县级初验"), (.city, "city", "市级验收"), (.province, "province", "省级验收销号"),
    ]

    var content: Node<HTML.BodyContext> {
        .div(
            .p(.class("crumbs"), .a(.href(SiteURL.inspections.path), .words("督察与整改任务")), .words(" › \(inspectionTitle)")),
            .h1("逐级验收流程"),
            .unwrap(state?.message) { .p(.class("error"), .attribute(named: "role", value: "alert"), .words($0)) },
            .forEach((state?.errors ?? [:]).sorted { $0.key < $1.key }.map(\.value)) { .p(.class("error"), .words($0)) },
            .p(.words("现行流程:\(AcceptanceChain.words(steps))。")),
            .p(.class("sub"), .words("每项任务按其验收单位所在的层级走相应各级:某级没有验收单位的任务跳过该级;"
                + "任何一级不通过,任务退回整改,重新申请后从第一级开始。有任务正在逐级验收时不能修改流程。")),
            .if(canEdit, .form(
                .class("action"), .method(.post), .action(SiteURL.inspectionChain(inspectionID).path),
                Forms.csrf(context),
                .forEach(Self.levels) { level, key, example in
                    Forms.field("\(level.label)验收名称", key,
                                value: state?.value(key, "") ?? steps.first { $0.level == level }?.name ?? "",
                                hint: "如“\(example)”;不填则没有这一级", error: state?.error(key), form: "chain")
                },
                Forms.submit("保存验收流程")))
        )
    }
}

enum AcceptanceChainController {
    static func show(req: Request) async throws -> Response {
        try await page(req, state: nil)
    }

    static func page(_ req: Request, state: FormState?) async throws -> Response {
        let access = try await req.access()
        guard let i = try await Inspection.find(try req.intParameter("id"), on: req.db),
              access.isAdmin || access.oversees([i.$targetRegion.id], as: .office)
                || access.oversees([i.$targetRegion.id], as: .leader) else { throw AppError.notFound }
        return AcceptanceChainView(context: PageContext(req, section: .inspections), inspectionID: try i.requireID(),
                                   inspectionTitle: i.title, steps: AcceptanceChain.decode(i.acceptanceChain),
                                   canEdit: access.isAdmin || access.oversees([i.$targetRegion.id], as: .office),
                                   state: state).response()
    }

    struct Form: Content { var county: String?; var city: String?; var province: String? }

    static func save(req: Request) async throws -> Response {
        let id = try req.intParameter("id")
        return try await WebForm.handle(req, form: "chain", success: "验收流程已保存", redirect: { SiteURL.inspectionChain(id).path },
                                        action: {
            let f = try req.form(Form.self)
            let named: [(RegionLevel, String?)] = [(.county, f.county), (.city, f.city), (.province, f.province)]
            let steps = named.compactMap { level, name -> AcceptanceStep? in
                guard let n = name?.trimmingCharacters(in: .whitespacesAndNewlines), !n.isEmpty else { return nil }
                return AcceptanceStep(level: level, name: n)
            }
            _ = try await InspectionAPI.setChain(id, steps, access: try await req.access(), clock: req.application.clock, on: req.db)
        }, page: { try await page(req, state: $0) })
    }
}
