import Foundation

/// Indicator values from Excel or CSV (issue 15 §4): one value per row, the columns
/// found by their headings whatever their order. The period is one column (2025-03,
/// 2025年1-3月) or a year and a month column; a blank month is the whole year.
public enum IndicatorSheet {
    public enum Field: String, CaseIterable, Sendable {
        case indicator, region, regionCode, period, year, month, value, unit

        public var headings: [String] {
            switch self {
            case .indicator: ["指标", "指标名称", "目标指标", "监测指标"]
            case .region: ["地区", "行政区", "行政区域", "区域", "城市"]
            case .regionCode: ["地区代码", "行政区划代码", "区划代码"]
            case .period: ["期间", "统计期", "时间", "年月", "统计时段"]
            case .year: ["年份", "年度", "年"]
            case .month: ["月份", "月", "截至月份"]
            case .value: ["数值", "监测值", "完成值", "实际值", "值"]
            case .unit: ["单位", "计量单位"]
            }
        }

        static func matching(_ heading: String) -> Field? {
            let h = heading.filter { !$0.isWhitespace }
            return allCases.first { $0.headings.contains(h) }
        }
    }

    public struct Row: Sendable, Equatable {
        public let line: Int
        public var indicator = ""
        public var region = ""
        /// The six-digit code, when the sheet has the column: it decides where names repeat (朝阳区).
        public var regionCode: Int?
        public var period: IndicatorPeriod?
        public var periodText = ""
        public var value = ""
        public var unit = ""
        public var violations: [Violation] = []
    }

    /// The rows under the heading row (the first naming 指标, 地区 and 数值); blank rows skipped.
    public static func rows(_ cells: [[String]], lines: [Int]) throws -> (headerLine: Int, rows: [Row]) {
        guard let h = cells.firstIndex(where: { row in
            let fields = Set(row.compactMap(Field.matching))
            return fields.contains(.indicator) && (fields.contains(.region) || fields.contains(.regionCode)) && fields.contains(.value)
                && (fields.contains(.period) || fields.contains(.year))
        }) else {
            throw ValidationFailure([.init("indicatorSheet.noHeader", field: "file",
                                           "没有找到表头:表中应有“指标”“地区”“期间”(或“年份”“月份”)和“数值”几列")])
        }
        var columns: [Field: Int] = [:]
        for (i, heading) in cells[h].enumerated() {
            if let f = Field.matching(heading), columns[f] == nil { columns[f] = i }
        }
        var out: [Row] = []
        for index in (h + 1)..<cells.count {
            let cells = cells[index]
            guard cells.contains(where: { !$0.allSatisfy(\.isWhitespace) }) else { continue }
            func cell(_ f: Field) -> String {
                guard let i = columns[f], i < cells.count else { return "" }
                return cells[i].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            var row = Row(line: index < lines.count ? lines[index] : index + 1)
            row.indicator = cell(.indicator)
            row.region = cell(.region)
            let code = IndicatorNumber.halfWidth(cell(.regionCode))
            if !code.isEmpty {
                if code.count == 6, let c = Int(code), c >= 100_000 { row.regionCode = c } else {
                    row.violations.append(.init("indicatorSheet.regionCodeInvalid", field: "regionCode", "地区代码“\(code.prefix(20))”应是六位数字"))
                }
            }
            row.value = cell(.value)
            row.unit = cell(.unit)
            if columns[.period] != nil, !cell(.period).isEmpty {
                row.periodText = cell(.period)
            } else {
                let year = cell(.year), month = cell(.month)
                row.periodText = month.isEmpty ? year : "\(year)-\(month.hasSuffix("月") ? String(month.dropLast()) : month)"
            }
            row.period = IndicatorPeriod.parse(row.periodText)
            if row.indicator.isEmpty { row.violations.append(.init("indicatorSheet.indicatorRequired", field: "indicator", "缺少指标名称")) }
            if row.region.isEmpty && row.regionCode == nil && code.isEmpty {
                row.violations.append(.init("indicatorSheet.regionRequired", field: "region", "缺少地区"))
            }
            if row.period == nil {
                row.violations.append(.init("indicatorSheet.periodInvalid", field: "period",
                                            "期间“\(row.periodText.prefix(20))”无法识别,应写作 2025 或 2025-03"))
            }
            out.append(row)
        }
        return (h < lines.count ? lines[h] : h + 1, out)
    }
}
