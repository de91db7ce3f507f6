import Testing
@testable import PoolDeskUI

@Suite("NumberFormat")
struct NumberFormatTests {
    @Test func fixed() {
        #expect(NumberFormat.fixed(62_000) == "62,000.00")
        #expect(NumberFormat.fixed(1_234_567.891) == "1,234,567.89")
        #expect(NumberFormat.fixed(-1_234.5, decimals: 1) == "-1,234.5")
        #expect(NumberFormat.fixed(999.5, decimals: 0) == "1,000")
        #expect(NumberFormat.fixed(0.5, decimals: 0) == "1")
        #expect(NumberFormat.fixed(1_234, grouping: false) == "1234.00")
        #expect(NumberFormat.fixed(-0.001) == "0.00")   // never "-0.00"
        #expect(NumberFormat.fixed(0.1 + 0.2, decimals: 4) == "0.3000")
        #expect(NumberFormat.fixed(-12.5, minus: .unicode) == "−12.50")
        #expect(NumberFormat.fixed(.nan) == "n/a")
        #expect(NumberFormat.fixed(.infinity) == "n/a")
    }

    @Test func signed() {
        #expect(NumberFormat.signed(1.25) == "+1.25")
        #expect(NumberFormat.signed(-1.25) == "-1.25")
        #expect(NumberFormat.signed(-1.25, minus: .unicode) == "−1.25")
        #expect(NumberFormat.signed(1_500, decimals: 0) == "+1,500")
        #expect(NumberFormat.signed(0) == "0.00")
        #expect(NumberFormat.signed(-0.004) == "0.00")
    }

    @Test func compact() {
        #expect(NumberFormat.compact(1_234_567) == "1.2M")
        #expect(NumberFormat.compact(1_200_000) == "1.2M")
        #expect(NumberFormat.compact(350_000) == "350k")
        #expect(NumberFormat.compact(1_500) == "1.5k")
        #expect(NumberFormat.compact(999) == "999")
        #expect(NumberFormat.compact(12.345) == "12.3")
        #expect(NumberFormat.compact(999_960) == "1M")          // not "1000k"
        #expect(NumberFormat.compact(-2_500_000) == "-2.5M")
        #expect(NumberFormat.compact(3_000_000_000) == "3B")
        #expect(NumberFormat.compact(1e12) == "1T")
        #expect(NumberFormat.compact(1e15) == "1000T")
        #expect(NumberFormat.compact(0) == "0")
        #expect(NumberFormat.compact(-0.01) == "0")
        #expect(NumberFormat.compact(1_234_567, decimals: 2) == "1.23M")
    }

    @Test func percent() {
        #expect(NumberFormat.percent(0.1234) == "12.3%")
        #expect(NumberFormat.percent(0.05, decimals: 0) == "5%")
        #expect(NumberFormat.percent(-0.0125, decimals: 2, signed: true) == "-1.25%")
        #expect(NumberFormat.percent(0.5, signed: true) == "+50.0%")
        #expect(NumberFormat.percent(.nan) == "n/a")
    }

    @Test func moneyInMicros() {
        #expect(NumberFormat.money(micros: 62_000_000_000) == "62,000.00")
        #expect(NumberFormat.money(micros: 1_234_567) == "1.23")
        #expect(NumberFormat.money(micros: 1_235_000) == "1.24")      // half away from zero
        #expect(NumberFormat.money(micros: -5_000) == "-0.01")
        #expect(NumberFormat.money(micros: -4_999) == "0.00")
        #expect(NumberFormat.money(micros: 1, decimals: 6) == "0.000001")
        #expect(NumberFormat.money(micros: 12_345_678, decimals: 0) == "12")
        // Int64.min: the magnitude does not fit Int64; rounding to cents carries into the whole part.
        #expect(NumberFormat.money(micros: .min) == "-9,223,372,036,854.78")
        #expect(NumberFormat.money(micros: .max) == "9,223,372,036,854.78")
        #expect(NumberFormat.signedMoney(micros: 1_250_000) == "+1.25")
        #expect(NumberFormat.signedMoney(micros: -1_250_000, minus: .unicode) == "−1.25")
        #expect(NumberFormat.signedMoney(micros: 0) == "0.00")
        #expect(NumberFormat.compactMoney(micros: 1_200_000_000_000) == "1.2M")
    }

    @Test func durations() {
        #expect(NumberFormat.duration(seconds: 3.0 * 86_400 + 4 * 3_600 + 5 * 60) == "3d 4h")
        #expect(NumberFormat.duration(seconds: 47.0 * 60) == "47m")
        #expect(NumberFormat.duration(seconds: 47.0 * 60 + 10) == "47m 10s")
        #expect(NumberFormat.duration(seconds: 12.0) == "12s")
        #expect(NumberFormat.duration(seconds: 0.0) == "0s")
        #expect(NumberFormat.duration(seconds: 0.7) == "0s")
        #expect(NumberFormat.duration(seconds: 59.9) == "59s")        // truncated: a countdown never overstates
        #expect(NumberFormat.duration(seconds: 86_400.0 + 300) == "1d")  // the hour is 0: "1d", not "1d 5m"
        #expect(NumberFormat.duration(seconds: 3_600.0) == "1h")
        #expect(NumberFormat.duration(seconds: -90.0) == "-1m 30s")
        #expect(NumberFormat.duration(seconds: 3.0 * 86_400 + 4 * 3_600, units: 1) == "3d")
        #expect(NumberFormat.duration(seconds: 3.0 * 86_400 + 4 * 3_600 + 5 * 60, units: 3) == "3d 4h 5m")
        #expect(NumberFormat.duration(wholeSeconds: 90) == "1m 30s")
        #expect(NumberFormat.duration(seconds: .infinity) == "n/a")
    }

    @Test func textFitting() {
        #expect(TextLayout.fit("Hello world", width: 5) == "Hell…")
        #expect(TextLayout.fit("Hello world", width: 5, ellipsis: nil) == "Hello")
        #expect(TextLayout.fit("Hi", width: 5, alignment: .right) == "   Hi")
        #expect(TextLayout.fit("Hi", width: 5, alignment: .center) == " Hi  ")
        #expect(TextLayout.fit("Hi", width: 0) == "")
    }
}
