/// The key hints on the status line, as many whole ones as fit: a hint is never cut mid-word, and the ones that matter
/// most (`?` for everything else, trading, the activity view, quitting) are the last to go on a narrow terminal.
enum KeyHints {
    /// Hints in screen order with their priority (lower is kept longer).
    /// `serverClock`: a network dashboard, whose clock is the server's (no pause or speed keys).
    static func hints(readOnly: Bool, serverClock: Bool = false) -> [(text: String, priority: Int)] {
        var hints: [(String, Int)] = [("?:help", 0)]
        if !readOnly { hints += [("b/s:buy/sell", 1), ("c:close", 3), ("d/w:LP", 7), ("::cmd", 5)] } else { hints.append(("Tab:panel", 6)) }
        if !readOnly { hints.append(("x/X:leg", 12)) }
        hints += [("r:risk", 12), ("a:activity", 4), ("[]:expiry", 6), ("m:market", 8)]
        if !serverClock { hints += [("space:pause", 9), ("+/-:speed", 10)] }
        hints += [("t:theme", 11), ("q:quit", 2)]
        return hints
    }

    /// The hints that fit in `width` columns, two spaces apart, in screen order.
    static func line(readOnly: Bool, serverClock: Bool = false, width: Int) -> String {
        let all = hints(readOnly: readOnly, serverClock: serverClock)
        var kept = Set<Int>()
        var used = 0
        for index in all.indices.sorted(by: { all[$0].priority < all[$1].priority }) {
            let cost = all[index].text.count + (kept.isEmpty ? 0 : 2)
            if used + cost <= width {
                kept.insert(index)
                used += cost
            }
        }
        return all.indices.filter { kept.contains($0) }.map { all[$0].text }.joined(separator: "  ")
    }
}
