import Fluent
import Plot
import Vapor
import RectifyCore

/// 目标指标完成情况 for the public (issue 15 §3): the targets the office published for an
/// inspection's region, each with its chart, its numbers and the report's sentence.
enum PublicIndicatorsPage {
    static func show(req: Request) async throws -> Response {
        guard let i = try await Inspection.find(try req.intParameter("id"), on: req.db) else { throw AppError.notFound }
        let region = i.$targetRegion.id
        var lines = try await IndicatorBoard.load(nil, .init(region: Access.subtree(of: region), publishedOnly: true), on: req.db).lines
        let tied = lines.filter { $0.inspectionID == i.id }
        if !tied.isEmpty { lines = tied }
        return PublicIndicatorsView(context: PageContext(req, section: .portal), inspectionID: try i.requireID(), inspectionTitle: i.title,
                                    lines: lines).response()
    }
}

struct PublicIndicatorsView: PageView {
    let context: PageContext
    let inspectionID: Int
    let inspectionTitle: String
    let lines: [IndicatorBoard.Line]
    var title: String { "目标指标完成情况" }

    var content: Node<HTML.BodyContext> {
        .div(
            .p(.class("crumbs"), .a(.href(SiteURL.publicHome.path), .words("信息公开")), .words(" › "),
               .a(.href(SiteURL.publicInspection(inspectionID).path), .words(inspectionTitle))),
            .h1("目标指标完成情况"),
            .if(lines.isEmpty, .p(.class("empty"), .words("尚未公开目标指标。"))),
            .forEach(lines) { l in
                .section(.class("panel"),
                         .h2(.words("\(l.regionName) · \(l.spec.name)")),
                         .unwrap(l.latest) { .p(.class("lead"), .words(l.sentence(at: $0) + "。")) },
                         IndicatorChart.svg(l),
                         IndicatorChart.figures(l))
            }
        )
    }
}
