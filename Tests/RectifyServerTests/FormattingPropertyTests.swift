import Foundation
import PropertyBased
import Testing
@testable import RectifyServer
import RectifyTestSupport

/// The hand-written number formats that replaced `String(format:)` on hot paths.
@Suite struct FormattingPropertyTests {
    @Test func givenAnyCoordinate_whenFormatted_thenItIsOneDecimalWithinHalfATenth() async {
        await propertyCheck(count: 1000, input: Gen.double(in: -1_000_000...1_000_000)) { d in
            let text = Charts.fmt(d)
            let parts = text.split(separator: ".")
            #expect(parts.count == 2 && parts[1].count == 1)
            let back = Double(text) ?? .nan
            #expect(abs(back - d) <= 0.05 + 1e-9)
            // As `%.1f` writes it, but for exact halves (which it rounds to even) and minus zero.
            let printf = String(format: "%.1f", d)
            let tenths = d * 10
            if tenths.rounded(.down) + 0.5 != tenths, printf != "-0.0" { #expect(text == printf) }
        }
    }

    @Test func givenNoNumber_whenFormatted_thenItIsZeroNotATrap() {
        for d in [Double.nan, .infinity, -.infinity, 1e300, -1e300, .greatestFiniteMagnitude] {
            #expect(Charts.fmt(d) == "0.0")
        }
    }

    @Test func givenAnyBytes_whenWrittenInHex_thenItIsWhatStringFormatWrites() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...255).array(of: 0...64)) { numbers in
            let bytes = numbers.map { UInt8($0) }
            #expect(Hex.string(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        }
        #expect(SecretHash.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// The way `Fmt.instant` was written before: two ISO 8601 formatters and a Calendar per call.
    static func oldInstant(_ iso: String) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let d = f.date(from: iso) ?? ISO8601DateFormatter().date(from: iso) else { return iso }
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(secondsFromGMT: 0) ?? c.timeZone
        let p = c.dateComponents([.year, .month, .day, .hour, .minute], from: d.addingTimeInterval(8 * 3600))
        return String(format: "%d年%d月%d日 %02d:%02d", p.year ?? 0, p.month ?? 0, p.day ?? 0, p.hour ?? 0, p.minute ?? 0)
    }

    @Test func givenAnyMomentFrom1906To2191_whenShownInChinaTime_thenItReadsAsTheFormattersRead() async {
        await propertyCheck(count: 500, input: Gen.int(in: -2_000_000_000...7_000_000_000)) { seconds in
            let date = Date(timeIntervalSince1970: Double(seconds))
            let iso = Audit.timestamp(date)
            #expect(Fmt.instant(iso) == Self.oldInstant(iso))
            #expect(Fmt.instant(date) == Fmt.instant(iso))
            let plain = iso.replacingOccurrences(of: ".000Z", with: "Z")
            #expect(Fmt.instant(plain) == Self.oldInstant(plain))
        }
    }

    @Test func givenTextThatIsNoMoment_whenShown_thenItIsShownAsItIs() async {
        await propertyCheck(count: 300, input: Hostile.string) { s in
            #expect(Fmt.instant(s) == s)
        }
        for s in ["2018-03-01T24:00:00Z", "2018-02-30T02:00:00Z", "2018-03-01 02:00:00Z", "2018-03-01T02:00:00+08:00", ""] {
            #expect(Fmt.instant(s) == s)
        }
        #expect(Fmt.instant(Date(timeIntervalSince1970: .nan)) == "—")
        #expect(Fmt.instant("2018-03-01T16:05:09.123Z") == "2018年3月2日 00:05")
    }
}
