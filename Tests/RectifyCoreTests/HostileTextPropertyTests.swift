import Foundation
import PropertyBased
import Testing
import RectifyCore
import RectifyTestSupport

/// Every text path of the core on arbitrary Unicode: it never traps, and what is written
/// reads back as it was.
@Suite struct HostileTextPropertyTests {
    @Test func givenAnyCells_whenWrittenAsCSVAndParsed_thenEachCellComesBackWithLineBreaksAsLF() async {
        await propertyCheck(count: 300, input: Hostile.string.array(of: 1...6)) { cells in
            let text = CSV.byteOrderMark + CSV.line(cells) + CSV.line(["尾"])
            let records = CSV.parse(text)
            let expected = cells.map(Self.lineBreaksAsLF)
            #expect(records.count == 2)
            #expect(records.first?.cells == expected)
            #expect(records.last?.cells == ["尾"])
        }
    }

    /// CRLF and lone CR as LF, scalar by scalar (a CR with a combining mark is one Character).
    static func lineBreaksAsLF(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var lastCR = false
        for u in s.unicodeScalars {
            if u == "\r" { out.append("\n") } else if !(u == "\n" && lastCR) { out.append(u) }
            lastCR = u == "\r"
        }
        return String(out)
    }

    @Test func givenAnyText_whenReadAsADeadlinePhrase_thenNoTrapAndEveryDateIsInTheInputYears() async {
        await propertyCheck(count: 500, input: Hostile.string) { text in
            for date in DeadlinePhrase.dates(in: text) { #expect(LocalDate.inputYears.contains(date.year)) }
            _ = DeadlinePhrase.read(text)
            _ = DeadlinePhrase.read("2019年" + text)
        }
    }

    @Test func givenAnyText_whenParsedAsAReport_thenNoTrap() async {
        await propertyCheck(count: 200, input: Hostile.string.array(of: 0...30)) { lines in
            let text = lines.enumerated().map { i, l in i % 3 == 0 ? "\(ChineseNumeral.string(i + 1) ?? "一")、\(l)" : l }
                .joined(separator: "\n")
            let result = ReportParser.parse(text + "\n整改进展情况:" + (lines.first ?? ""))
            #expect(result.problems.count <= lines.count + 1)
        }
    }

    @Test func givenAnyText_whenSplitIntoUnitNames_thenNoNameIsEmptyOrRepeated() async {
        await propertyCheck(count: 300, input: Hostile.string) { text in
            let names = LedgerSheet.unitNames(text)
            #expect(!names.contains(""))
            #expect(Set(names).count == names.count)
        }
    }

    @Test(.shrinking(false)) func givenALongHostileString_whenEveryParserReadsIt_thenNoneTraps() async {
        await propertyCheck(count: 3, input: Hostile.long) { text in
            _ = CSV.parse(CSV.line([text, text]))
            _ = DeadlinePhrase.dates(in: text)
            _ = ReportParser.parse(text)
            _ = LedgerSheet.unitNames(text)
            _ = ChineseNumeral.value(text)
        }
    }

    @Test func givenAnyIsoText_whenParsedAsADate_thenOnlyDaysOfTheInputYearsAreAccepted() async {
        await propertyCheck(count: 500, input: Gen.int(in: -99_999...99_999), Gen.int(in: -20...20), Gen.int(in: -40...40)) { y, m, d in
            let text = String(format: "%04d-%02d-%02d", y, m, d)
            if let date = LocalDate(iso: text) {
                #expect(LocalDate.inputYears.contains(date.year))
                #expect(date.iso == text)
            }
        }
    }

    @Test func givenAnyDayAndOffset_whenAdded_thenTheResultIsACalendarDayAndNothingTraps() async {
        await propertyCheck(count: 500, input: Gen.int(in: LocalDate.dayNumbers), Gen.int(in: Int.min...Int.max)) { day, offset in
            guard let date = LocalDate(dayNumber: day) else { Issue.record("day \(day) has no date"); return }
            let later = date.adding(days: offset)
            #expect(LocalDate.dayNumbers.contains(later.dayNumber))
            _ = date.endOfWorkingDays(5)
        }
    }
}
