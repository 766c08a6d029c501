package org.wikipulse.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Generates realistic Wikimedia {@code recentchange} events (the {@code /mediawiki/recentchange/1.0.0}
 * form the live stream sends), for demos and load where the live stream is out of reach.
 *
 * <p>The mix follows the real feed: most events come from Wikidata, English Wikipedia and Commons,
 * then a long tail of language editions; about 62% edits, 20% categorize, 12% log, 6% new pages;
 * about a quarter by bots; main namespace mostly, with user, project, file, template, category, draft
 * and talk pages (the pipeline drops the talk pages and categorize events, as it does live). Byte
 * changes are heavy-tailed (most edits change a few dozen bytes, a few change tens of thousands), so
 * Minor, Moderate and Major edits all occur. Titles and users are drawn from Zipf-like pools, so a
 * few pages and a few users account for many edits — "most edited pages" and "top contributors"
 * have a head.
 *
 * <p>Deterministic for a seed: the same seed and the same {@code now} values give the same payloads,
 * byte for byte, including {@code meta.id} (a UUID drawn from the seeded generator).
 *
 * <p>Reads: nothing. Writes: nothing (returns JSON payloads).
 */
public final class SyntheticEvents {

  /** A wiki of the mix: its host name, database name, weight, and pools of titles and users. */
  private record Wiki(String serverName, String dbName, double weight, Kind kind) {}

  private enum Kind {
    WIKIPEDIA,
    WIKIDATA,
    COMMONS,
    WIKTIONARY
  }

  private static final List<Wiki> WIKIS =
      List.of(
          new Wiki("www.wikidata.org", "wikidatawiki", 24, Kind.WIKIDATA),
          new Wiki("en.wikipedia.org", "enwiki", 20, Kind.WIKIPEDIA),
          new Wiki("commons.wikimedia.org", "commonswiki", 14, Kind.COMMONS),
          new Wiki("de.wikipedia.org", "dewiki", 6, Kind.WIKIPEDIA),
          new Wiki("fr.wikipedia.org", "frwiki", 5, Kind.WIKIPEDIA),
          new Wiki("es.wikipedia.org", "eswiki", 4, Kind.WIKIPEDIA),
          new Wiki("ja.wikipedia.org", "jawiki", 3.5, Kind.WIKIPEDIA),
          new Wiki("ru.wikipedia.org", "ruwiki", 3.5, Kind.WIKIPEDIA),
          new Wiki("it.wikipedia.org", "itwiki", 3, Kind.WIKIPEDIA),
          new Wiki("zh.wikipedia.org", "zhwiki", 2.5, Kind.WIKIPEDIA),
          new Wiki("pt.wikipedia.org", "ptwiki", 2, Kind.WIKIPEDIA),
          new Wiki("pl.wikipedia.org", "plwiki", 1.5, Kind.WIKIPEDIA),
          new Wiki("nl.wikipedia.org", "nlwiki", 1.5, Kind.WIKIPEDIA),
          new Wiki("uk.wikipedia.org", "ukwiki", 1.2, Kind.WIKIPEDIA),
          new Wiki("ar.wikipedia.org", "arwiki", 1.2, Kind.WIKIPEDIA),
          new Wiki("fa.wikipedia.org", "fawiki", 1, Kind.WIKIPEDIA),
          new Wiki("sv.wikipedia.org", "svwiki", 0.8, Kind.WIKIPEDIA),
          new Wiki("ko.wikipedia.org", "kowiki", 0.8, Kind.WIKIPEDIA),
          new Wiki("he.wikipedia.org", "hewiki", 0.6, Kind.WIKIPEDIA),
          new Wiki("en.wiktionary.org", "enwiktionary", 2, Kind.WIKTIONARY),
          new Wiki("fr.wiktionary.org", "frwiktionary", 1, Kind.WIKTIONARY));

  /** Well-known article titles: the head of "most edited pages" on every Wikipedia. */
  private static final List<String> POPULAR_ARTICLES =
      List.of(
          "Deaths in 2026",
          "2026 Winter Olympics",
          "Artificial intelligence",
          "United States",
          "List of highest-grossing films",
          "Climate change",
          "Taylor Swift",
          "Premier League",
          "Russian invasion of Ukraine",
          "ChatGPT",
          "Cristiano Ronaldo",
          "India",
          "Earthquake",
          "2026 FIFA World Cup",
          "Python (programming language)",
          "Mount Everest",
          "Albert Einstein",
          "Tokyo",
          "COVID-19 pandemic",
          "Main Page");

  private static final List<String> WORDS =
      List.of(
          "River", "Battle", "Church", "Station", "Lake", "Castle", "Bridge", "School", "Park",
          "Museum", "Island", "Valley", "Mountain", "Festival", "Railway", "Stadium", "Airport",
          "Theatre", "Library", "Palace", "Tower", "Harbour", "Forest", "Desert", "Canal");

  private static final List<String> PLACES =
      List.of(
          "Springfield", "Riverside", "Oakland", "Kyoto", "Lyon", "Bergen", "Salamanca", "Kraków",
          "Tartu", "Valparaíso", "Hanoi", "Nairobi", "Ljubljana", "Porto", "Adelaide", "Quebec",
          "Bratislava", "Mendoza", "Trondheim", "Sapporo");

  private static final List<String> HUMAN_NAMES =
      List.of(
          "Mathglot", "Ser Amantio di Nicolao", "BD2412", "Materialscientist", "Citation needed",
          "Ymblanter", "Jklamo", "Sabelöga", "Trade", "Uzume", "Pintoch", "Epìdosis", "Jmabel",
          "Ruthven", "Túrelio", "Kusurija", "Eissink", "Gerda Arendt", "Iridescent", "Headbomb",
          "Nikkimaria", "Doc James", "Andrew Davidson", "Edwardx", "Moxy", "Liz", "Seefahrer",
          "Lotje", "Chris.urs-o", "Frettie", "Kaganer", "Hoo man", "Nemo bis", "Minorax",
          "Ameisenigel", "Kenb215", "Pharos", "Vanjagenije", "Yamaguchi先生", "Ле Лой");

  private static final List<String> BOT_NAMES =
      List.of(
          "QuickStatementsBot", "Cewbot", "InternetArchiveBot", "Citation bot", "DeltaBot",
          "KrBot", "Reinheitsgebot", "SchlurcherBot", "Pi bot", "BotMultichill", "Edoderoobot",
          "Emijrpbot", "AnomieBOT", "Yapperbot", "Dexbot", "Ghuron", "JarBot", "MalarzBOT");

  private static final List<String> EDIT_COMMENTS =
      List.of(
          "",
          "/* References */",
          "/* Early life */ expanded",
          "Fixed typo",
          "Reverted edits by [[Special:Contributions/~2026-1]] to last version",
          "Added citation",
          "copyedit",
          "Undid revision",
          "/* History */ +source",
          "update infobox",
          "Rescuing 2 sources and tagging 0 as dead.) #IABot (v2.0.9.5",
          "Alter: title. Add: doi. | Use this bot. Report bugs.",
          "clean up, typo(s) fixed");

  private static final List<String> WIKIDATA_COMMENTS =
      List.of(
          "/* wbsetclaim-create:2||1 */ [[Property:P31]]: [[Q5]]",
          "/* wbsetlabel-add:1|en */ ",
          "/* wbsetdescription-add:1|de */ ",
          "/* wbeditentity-update:0| */ batch edit",
          "/* wbsetreference-add:2| */ [[Property:P248]]",
          "/* wbsetsitelink-add:1|enwiki */ ",
          "/* wbsetaliases-add:1|fr */ ");

  private static final String[][] LOG_KINDS = {
    {"newusers", "create", "2"},
    {"newusers", "autocreate", "2"},
    {"upload", "upload", "6"},
    {"upload", "overwrite", "6"},
    {"delete", "delete", "0"},
    {"move", "move", "0"},
    {"protect", "protect", "0"},
    {"patrol", "patrol", "0"},
    {"thanks", "thank", "2"},
    {"block", "block", "2"},
    {"abusefilter", "hit", "0"},
  };

  private static final int HUMANS = 400;
  private static final int BOTS = BOT_NAMES.size();

  private final ObjectMapper mapper = new ObjectMapper();
  private final Random random;
  private final double[] wikiCumulative;
  private long rcId;
  private long revision;
  private long offset;

  /** A generator whose output depends only on {@code seed} (and the times passed to {@link #next}). */
  public SyntheticEvents(long seed) {
    this.random = new Random(seed);
    this.wikiCumulative = new double[WIKIS.size()];
    double sum = 0;
    for (int i = 0; i < WIKIS.size(); i++) {
      sum += WIKIS.get(i).weight();
      wikiCumulative[i] = sum;
    }
    this.rcId = 1_800_000_000L + random.nextInt(100_000_000);
    this.revision = 1_300_000_000L + random.nextInt(100_000_000);
    this.offset = 5_000_000_000L + random.nextInt(1_000_000_000);
  }

  /** The next event, stamped {@code now} ({@code meta.dt} in ms, {@code timestamp} in seconds). */
  public byte[] next(Instant now) {
    try {
      return mapper.writeValueAsBytes(nextNode(now));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a generated event", e);
    }
  }

  ObjectNode nextNode(Instant now) {
    Wiki wiki = pickWiki();
    boolean bot = random.nextDouble() < 0.25;
    String user = bot ? pickBot() : pickHuman();
    double t = random.nextDouble();
    String type;
    if (t < 0.62) {
      type = "edit";
    } else if (t < 0.82) {
      type = "categorize";
    } else if (t < 0.94) {
      type = "log";
    } else {
      type = "new";
    }

    int namespace;
    String title;
    String[] logKind = null;
    if (type.equals("categorize")) {
      namespace = 14;
      title = categoryPrefix(wiki) + categoryName();
    } else if (type.equals("log")) {
      logKind = LOG_KINDS[random.nextInt(LOG_KINDS.length)];
      namespace = Integer.parseInt(logKind[2]);
      title = logTitle(wiki, namespace, user);
    } else {
      namespace = pickNamespace(wiki);
      title = pageTitle(wiki, namespace, type.equals("new"));
    }

    String server = wiki.serverName();
    String titleUrl = "https://" + server + "/wiki/" + title.replace(' ', '_');
    ObjectNode e = mapper.createObjectNode();
    e.put("$schema", "/mediawiki/recentchange/1.0.0");
    ObjectNode meta = e.putObject("meta");
    meta.put("uri", titleUrl);
    meta.put("request_id", uuid().toString());
    meta.put("id", uuid().toString());
    meta.put("domain", server);
    meta.put("stream", "mediawiki.recentchange");
    meta.put("dt", now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
    meta.put("topic", "eqiad.mediawiki.recentchange");
    meta.put("partition", 0);
    meta.put("offset", offset++);
    e.put("id", rcId++);
    e.put("type", type);
    e.put("namespace", namespace);
    e.put("title", title);
    e.put("title_url", titleUrl);
    String comment = comment(wiki, type, logKind);
    e.put("comment", comment);
    e.put("timestamp", now.getEpochSecond());
    e.put("user", user);
    e.put("bot", bot);

    if (type.equals("edit") || type.equals("new")) {
      long newRevision = revision += 1 + random.nextInt(40);
      long oldLength = type.equals("new") ? 0 : oldLength(wiki);
      long newLength =
          type.equals("new") ? newPageLength(wiki) : Math.max(0, oldLength + lengthDelta(bot));
      e.put(
          "notify_url",
          "https://"
              + server
              + "/w/index.php?diff="
              + newRevision
              + (type.equals("new") ? "" : "&oldid=" + (newRevision - 1 - random.nextInt(5000))));
      if (type.equals("edit")) {
        e.put("minor", random.nextDouble() < (bot ? 0.7 : 0.25));
      } else {
        e.put("minor", false);
      }
      e.put("patrolled", bot || random.nextDouble() < 0.6);
      ObjectNode length = e.putObject("length");
      if (type.equals("edit")) {
        length.put("old", oldLength);
      }
      length.put("new", newLength);
      ObjectNode rev = e.putObject("revision");
      if (type.equals("edit")) {
        rev.put("old", newRevision - 1 - random.nextInt(5000));
      }
      rev.put("new", newRevision);
    } else if (type.equals("log")) {
      e.put("log_id", 170_000_000L + random.nextInt(10_000_000));
      e.put("log_type", logKind[0]);
      e.put("log_action", logKind[1]);
      e.putObject("log_params");
      e.put("log_action_comment", comment);
    }
    e.put("server_url", "https://" + server);
    e.put("server_name", server);
    e.put("server_script_path", "/w");
    e.put("wiki", wiki.dbName());
    e.put("parsedcomment", comment);
    return e;
  }

  private UUID uuid() {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  private Wiki pickWiki() {
    double x = random.nextDouble() * wikiCumulative[wikiCumulative.length - 1];
    for (int i = 0; i < wikiCumulative.length; i++) {
      if (x < wikiCumulative[i]) {
        return WIKIS.get(i);
      }
    }
    return WIKIS.get(WIKIS.size() - 1);
  }

  /** Index in [0, n) with a Zipf-like head: rank r has weight about 1 / (r + 1). */
  private int zipf(int n) {
    // Inverse of the continuous 1/x law on [1, n+1): exp(u * ln(n+1)) - 1.
    int r = (int) Math.floor(Math.exp(random.nextDouble() * Math.log(n + 1.0)) - 1);
    return Math.min(Math.max(r, 0), n - 1);
  }

  private String pickHuman() {
    int r = zipf(HUMANS + 60);
    if (r < HUMANS) {
      return r < HUMAN_NAMES.size() ? HUMAN_NAMES.get(r) : "Editor" + (r * 7919 % 100_000);
    }
    // Temporary accounts of logged-out editors, as the live feed has shown them since 2025.
    return String.format(Locale.ROOT, "~2026-%05d-%02d", random.nextInt(100_000), random.nextInt(100));
  }

  private String pickBot() {
    return BOT_NAMES.get(zipf(BOTS));
  }

  private int pickNamespace(Wiki wiki) {
    double x = random.nextDouble();
    switch (wiki.kind()) {
      case WIKIDATA:
        return x < 0.92 ? 0 : x < 0.96 ? 120 : x < 0.98 ? 146 : x < 0.99 ? 2 : 1;
      case COMMONS:
        return x < 0.78 ? 6 : x < 0.88 ? 14 : x < 0.94 ? 2 : x < 0.97 ? 4 : 3;
      case WIKTIONARY:
        return x < 0.85 ? 0 : x < 0.92 ? 10 : x < 0.96 ? 14 : 1;
      default:
        if (x < 0.62) {
          return 0;
        } else if (x < 0.70) {
          return 2;
        } else if (x < 0.75) {
          return 1;
        } else if (x < 0.79) {
          return 3;
        } else if (x < 0.83) {
          return 4;
        } else if (x < 0.87) {
          return 10;
        } else if (x < 0.91) {
          return 14;
        } else if (x < 0.94) {
          return 118;
        } else if (x < 0.96) {
          return 6;
        } else if (x < 0.98) {
          return 828;
        } else {
          return 5;
        }
    }
  }

  private String pageTitle(Wiki wiki, int namespace, boolean isNew) {
    String prefix = namespacePrefix(wiki, namespace);
    String name;
    switch (wiki.kind()) {
      case WIKIDATA:
        long item = isNew ? 130_000_000L + random.nextInt(5_000_000) : popularOrTail(1000, 120_000_000);
        name = (namespace == 120 ? "P" : namespace == 146 ? "L" : "Q") + (namespace == 120 ? item % 13_000 : item);
        return (namespace == 120 ? "Property:" : namespace == 146 ? "Lexeme:" : prefix) + name;
      case COMMONS:
        if (namespace == 6) {
          return "File:"
              + (random.nextDouble() < 0.3 ? "IMG_" : PLACES.get(random.nextInt(PLACES.size())) + " ")
              + popularOrTail(200, 9_999_999)
              + (random.nextDouble() < 0.9 ? ".jpg" : ".png");
        }
        return prefix + articleName(isNew);
      case WIKTIONARY:
        return prefix + WORDS.get(zipf(WORDS.size())).toLowerCase(Locale.ROOT) + (isNew ? random.nextInt(1000) : "");
      default:
        if (namespace == 2 || namespace == 3) {
          return prefix + pickHuman();
        }
        if (namespace == 10 || namespace == 828) {
          return prefix + (random.nextDouble() < 0.5 ? "Infobox " : "Cite ") + WORDS.get(zipf(WORDS.size())).toLowerCase(Locale.ROOT);
        }
        if (namespace == 14) {
          return prefix + categoryName();
        }
        return prefix + articleName(isNew);
    }
  }

  /** A number from a small popular set (the head) 40% of the time, else from a wide tail. */
  private long popularOrTail(int head, int tail) {
    return random.nextDouble() < 0.4 ? 1 + zipf(head) * 17L : 1 + random.nextInt(tail);
  }

  private String articleName(boolean isNew) {
    if (!isNew && random.nextDouble() < 0.35) {
      return POPULAR_ARTICLES.get(zipf(POPULAR_ARTICLES.size()));
    }
    String place = PLACES.get(random.nextInt(PLACES.size()));
    String word = WORDS.get(random.nextInt(WORDS.size()));
    return switch (random.nextInt(4)) {
      case 0 -> place + " " + word;
      case 1 -> word + " of " + place;
      case 2 -> (1800 + random.nextInt(227)) + " in " + place;
      default -> place + " " + word + " (" + (1 + random.nextInt(40)) + ")";
    };
  }

  private String categoryName() {
    return switch (random.nextInt(3)) {
      case 0 -> "Articles with short description";
      case 1 -> "People from " + PLACES.get(zipf(PLACES.size()));
      default -> WORDS.get(random.nextInt(WORDS.size())) + "s in " + PLACES.get(random.nextInt(PLACES.size()));
    };
  }

  private String logTitle(Wiki wiki, int namespace, String user) {
    if (namespace == 2) {
      return namespacePrefix(wiki, 2) + user;
    }
    if (namespace == 6) {
      return "File:" + PLACES.get(random.nextInt(PLACES.size())) + " " + random.nextInt(100_000) + ".jpg";
    }
    return wiki.kind() == Kind.WIKIDATA ? "Q" + (1 + random.nextInt(130_000_000)) : articleName(true);
  }

  private static String categoryPrefix(Wiki wiki) {
    return namespacePrefix(wiki, 14);
  }

  private static String namespacePrefix(Wiki wiki, int namespace) {
    boolean de = wiki.serverName().startsWith("de.");
    boolean fr = wiki.serverName().startsWith("fr.");
    return switch (namespace) {
      case 0 -> "";
      case 1 -> de ? "Diskussion:" : fr ? "Discussion:" : "Talk:";
      case 2 -> de ? "Benutzer:" : fr ? "Utilisateur:" : "User:";
      case 3 -> de ? "Benutzer Diskussion:" : fr ? "Discussion utilisateur:" : "User talk:";
      case 4 -> "Wikipedia:";
      case 5 -> "Wikipedia talk:";
      case 6 -> de ? "Datei:" : fr ? "Fichier:" : "File:";
      case 10 -> de ? "Vorlage:" : fr ? "Modèle:" : "Template:";
      case 14 -> de ? "Kategorie:" : fr ? "Catégorie:" : "Category:";
      case 118 -> "Draft:";
      case 828 -> "Module:";
      default -> "";
    };
  }

  private String comment(Wiki wiki, String type, String[] logKind) {
    if (type.equals("categorize")) {
      return "[[:" + articleName(false) + "]] added to category";
    }
    if (type.equals("log")) {
      return logKind[0] + "/" + logKind[1];
    }
    if (wiki.kind() == Kind.WIKIDATA) {
      return WIKIDATA_COMMENTS.get(random.nextInt(WIKIDATA_COMMENTS.size()));
    }
    if (type.equals("new")) {
      return "Created page with \"'''" + articleName(true) + "''' is a\"";
    }
    return EDIT_COMMENTS.get(random.nextInt(EDIT_COMMENTS.size()));
  }

  /** Page sizes: log-normal around 8 kB (Wikidata items larger), capped at 2 MB. */
  private long oldLength(Wiki wiki) {
    double median = wiki.kind() == Kind.WIKIDATA ? 20_000 : wiki.kind() == Kind.COMMONS ? 3_000 : 8_000;
    return (long) Math.min(2_000_000, median * Math.exp(random.nextGaussian() * 1.2));
  }

  private long newPageLength(Wiki wiki) {
    double median = wiki.kind() == Kind.WIKIDATA ? 1_500 : 2_500;
    return Math.max(1, (long) Math.min(500_000, median * Math.exp(random.nextGaussian() * 1.1)));
  }

  /**
   * Bytes added (positive) or removed: a log-normal magnitude with a median of about 40 bytes and a
   * heavy tail (about 13% above 1000 bytes, 30% between 100 and 1000), a third of them removals.
   */
  private long lengthDelta(boolean bot) {
    double median = bot ? 60 : 40;
    long magnitude = (long) Math.min(400_000, median * Math.exp(random.nextGaussian() * 2.2));
    if (random.nextDouble() < 0.02) {
      return 0; // null edits and pure reformatting
    }
    return random.nextDouble() < 0.33 ? -magnitude : magnitude;
  }
}
