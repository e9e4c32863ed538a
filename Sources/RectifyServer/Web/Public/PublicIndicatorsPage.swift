import Fluent
import Plot
import Vapor
import RectifyCore

/// 目标指标完成情况 for the public (issue 15 §3): the targets the office published for an
/// inspection's region, each with its chart, its numbers and the report's sentence.
enum PublicIndicatorsPage {
    static func show(req: Request) async throws -> Response {
        let id = try req.intParameter("id")
        // As the inspection's own public page: nothing until one of its tasks is past its draft.
        guard let i = try await Inspection.find(id, on: req.db),
              (try await InspectionQueries.taskCounts(inspectionIDs: [id], on: req.db)[id])?.isEmpty == false else { throw AppError.notFound }
        return PublicIndicatorsView(context: PageContext(req, section: .portal), inspectionID: id, inspectionTitle: i.title,
                                    lines: try await IndicatorBoard.forInspection(i, access: nil, on: req.db),
                                    today: req.application.clock.today).response()
    }
}

struct PublicIndicatorsView: PageView {
    let context: PageContext
    let inspectionID: Int
    let inspectionTitle: String
    let lines: [IndicatorBoard.Line]
    let today: LocalDate
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
                         // The report's sentence as of today: the latest period already over.
                         .unwrap(l.reportable(asOf: today)) { .p(.class("lead"), .words(l.sentence(at: $0) + "。")) },
                         IndicatorChart.svg(l),
                         IndicatorChart.figures(l))
            }
        )
    }
}
