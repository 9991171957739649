/// Common English nicknames and the given name they stand for, so that `Bill Smith` and `William Smith` agree on
/// the given name instead of vetoing the link. A general table (not tuned to any dataset); names not in it are
/// compared as written.
enum Nicknames {
    /// The formal given name for `given` (already normalised), or `given` itself.
    static func formal(_ given: String) -> String {
        table[given] ?? given
    }

    static let table: [String: String] = {
        let groups: [(String, [String])] = [
            ("william", ["bill", "billy", "will", "willy", "liam"]), ("robert", ["bob", "bobby", "rob", "robbie", "bert"]),
            ("richard", ["rick", "ricky", "dick", "rich", "richie"]), ("michael", ["mike", "mikey", "mick", "mickey"]),
            ("james", ["jim", "jimmy", "jamie"]), ("john", ["jack", "johnny", "jon"]), ("joseph", ["joe", "joey"]),
            ("thomas", ["tom", "tommy"]), ("charles", ["charlie", "chuck", "chas"]), ("christopher", ["chris", "kit"]),
            ("daniel", ["dan", "danny"]), ("matthew", ["matt"]), ("anthony", ["tony"]), ("donald", ["don", "donnie"]),
            ("steven", ["steve", "stevie"]), ("stephen", ["steve", "stevie"]), ("andrew", ["andy", "drew"]),
            ("joshua", ["josh"]), ("kenneth", ["ken", "kenny"]), ("kevin", ["kev"]), ("edward", ["ed", "eddie", "ted", "ned"]),
            ("ronald", ["ron", "ronnie"]), ("timothy", ["tim", "timmy"]), ("jonathan", ["jon", "johnny"]),
            ("nicholas", ["nick", "nicky"]), ("benjamin", ["ben", "benny"]), ("samuel", ["sam", "sammy"]),
            ("gregory", ["greg"]), ("alexander", ["alex", "al"]), ("patrick", ["pat", "paddy"]), ("peter", ["pete"]),
            ("raymond", ["ray"]), ("gerald", ["gerry", "jerry"]), ("lawrence", ["larry"]), ("frederick", ["fred", "freddie"]),
            ("henry", ["harry", "hank"]), ("douglas", ["doug"]), ("phillip", ["phil"]), ("philip", ["phil"]),
            ("jeffrey", ["jeff"]), ("zachary", ["zach", "zack"]), ("nathaniel", ["nate", "nat"]), ("vincent", ["vince"]),
            ("elizabeth", ["liz", "beth", "betty", "lizzie", "eliza", "betsy"]), ("margaret", ["maggie", "meg", "peggy", "marge"]),
            ("jennifer", ["jen", "jenny"]), ("patricia", ["pat", "patty", "trish"]), ("barbara", ["barb", "babs"]),
            ("susan", ["sue", "susie"]), ("jessica", ["jess", "jessie"]), ("katherine", ["kate", "kathy", "katie", "kat"]),
            ("catherine", ["cathy", "kate", "katie"]), ("kimberly", ["kim"]), ("deborah", ["deb", "debbie"]),
            ("rebecca", ["becky", "becca"]), ("dorothy", ["dot", "dottie"]), ("christine", ["chris", "chrissy"]),
            ("samantha", ["sam", "sammy"]), ("victoria", ["vicky", "tori"]), ("alexandra", ["alex", "sasha"]),
            ("abigail", ["abby"]), ("pamela", ["pam"]), ("cynthia", ["cindy"]), ("sandra", ["sandy"]), ("amanda", ["mandy"]),
            ("melissa", ["mel", "missy"]), ("jacqueline", ["jackie"]), ("theresa", ["terry", "tess"]), ("judith", ["judy"]),
            ("kathleen", ["kathy"]), ("stephanie", ["steph"]), ("michelle", ["shelly"]), ("nancy", ["nan"]),
        ]
        var table: [String: String] = [:]
        for (formal, nicknames) in groups {
            // A nickname shared by two names (`pat`, `steve`) keeps the first.
            for nickname in nicknames where table[nickname] == nil { table[nickname] = formal }
        }
        return table
    }()
}
