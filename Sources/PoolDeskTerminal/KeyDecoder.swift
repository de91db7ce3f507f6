import CNcurses
import PoolDeskUI

/// Pure translation of what `wget_wch` returns into a ``KeyPress``.
public enum KeyDecoder {
    /// ncurses `KEY_*` codes, read from the shim so they always match the linked library.
    public enum Code {
        public static let down = pd_key_down()
        public static let up = pd_key_up()
        public static let left = pd_key_left()
        public static let right = pd_key_right()
        public static let shiftLeft = pd_key_sleft()
        public static let shiftRight = pd_key_sright()
        public static let home = pd_key_home()
        public static let end = pd_key_end()
        public static let shiftHome = pd_key_shome()
        public static let shiftEnd = pd_key_send()
        public static let lowerLeft = pd_key_ll()
        public static let pageDown = pd_key_npage()
        public static let pageUp = pd_key_ppage()
        public static let backspace = pd_key_backspace()
        public static let deleteCharacter = pd_key_dc()
        public static let keypadEnter = pd_key_enter()
        public static let backTab = pd_key_btab()
        public static let resize = pd_key_resize()
        /// `KEY_F(n)` is `f0 + n`.
        public static let f0 = pd_key_f0()
    }

    /// Decodes one key: `code` is the character (`isFunctionKey == false`, ncurses returned OK)
    /// or the `KEY_*` code (`isFunctionKey == true`, ncurses returned KEY_CODE_YES).
    /// Returns nil for keys PoolDesk has no use for.
    public static func decode(code: Int32, isFunctionKey: Bool) -> KeyPress? {
        isFunctionKey ? decodeFunctionKey(code) : decodeCharacter(code)
    }

    private static func decodeCharacter(_ code: Int32) -> KeyPress? {
        switch code {
        // Raw mode and nonl: Enter arrives as CR; Ctrl-J (LF) is treated the same.
        case 13, 10: return .enter
        case 9: return .tab
        case 27: return .escape
        // DEL is what most terminals send for Backspace; Ctrl-H (BS) is the rest.
        case 127, 8: return .backspace
        case 1...26:
            guard let scalar = Unicode.Scalar(UInt32(code) + 0x60) else { return nil }
            return .control(Character(scalar))
        // Ctrl-\ (FS): in raw mode it arrives as a key rather than SIGQUIT; the dashboard quits on it.
        case 28: return .control("\\")
        case 0, 29...31:
            return nil
        case 0x80...0x9F:
            // C1 controls are never printable.
            return nil
        default:
            guard code > 0, let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
            return .character(Character(scalar))
        }
    }

    private static func decodeFunctionKey(_ code: Int32) -> KeyPress? {
        switch code {
        case Code.up: return .up
        case Code.down: return .down
        case Code.left, Code.shiftLeft: return .left
        case Code.right, Code.shiftRight: return .right
        case Code.home, Code.shiftHome: return .home
        case Code.end, Code.shiftEnd, Code.lowerLeft: return .end
        case Code.pageUp: return .pageUp
        case Code.pageDown: return .pageDown
        case Code.backspace: return .backspace
        case Code.deleteCharacter: return .delete
        case Code.keypadEnter: return .enter
        case Code.backTab: return .backTab
        case Code.resize: return .resize
        case (Code.f0 + 1)...(Code.f0 + 63): return .function(Int(code - Code.f0))
        default: return nil
        }
    }
}
