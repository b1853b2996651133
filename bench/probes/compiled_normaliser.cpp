// Probe, not product code: what a compiled normaliser would cost over the bench's records.
//
// The import normalises clean records in DuckDB SQL (src/ancrage/ingest/sql_normalise.py,
// sql_rows.py); its chunks take about half of the import's processor time. This probe does, in
// one C++ pass on one thread, the per-record work such a normaliser could not avoid: the MD5 of
// the record's text (its content identity), a full parse (simdjson on-demand), every field of a
// 2022 marché read with its type checked, blanks trimmed, labels looked up in the official
// tables, dates parsed, the contract identity (MD5 of its key fields) computed, and the values
// appended to columns. It writes nothing and applies neither the quality rules nor the exact
// clean predicate: a lower bound of that work, to weigh a rewrite against (docs/import.md).
//
// Build and run (Debian's libsimdjson-dev and libssl-dev):
//   g++ -O2 -march=native -std=c++17 -o bench/work/compiled_normaliser
//       bench/probes/compiled_normaliser.cpp -lsimdjson -lcrypto
//   .venv/bin/python bench/probes/labels.py > bench/work/labels.tsv
//   bench/work/compiled_normaliser bench/work/decp-1500000.ndjson bench/work/labels.tsv
// (decp-1500000.ndjson: the records one per line, written by bench/bench_ingest.py for (b).)
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>
#include <simdjson.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <fstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

using namespace simdjson;

namespace {

struct Strings {  // an Arrow-like string column: one buffer, offsets, validity
    std::string data;
    std::vector<int64_t> offsets{0};
    std::vector<uint8_t> valid;
    void add(std::string_view s) {
        data.append(s);
        offsets.push_back(static_cast<int64_t>(data.size()));
        valid.push_back(1);
    }
};

struct Numbers {
    std::vector<double> values;
    void add(double x) { values.push_back(x); }
};

std::string_view blank_trim(std::string_view s) {
    auto blank = [](char c) { return c == ' ' || (c >= 9 && c <= 13); };
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return s;
}

int32_t iso_days(std::string_view s) {  // days since 1970-01-01, or INT32_MIN
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return INT32_MIN;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9') return INT32_MIN;
        y = y * 10 + s[i] - '0';
    }
    int m = (s[5] - '0') * 10 + s[6] - '0', d = (s[8] - '0') * 10 + s[9] - '0';
    if (m < 1 || m > 12 || d < 1 || d > 31) return INT32_MIN;
    y -= m <= 2;
    int era = y / 400, yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

enum Kind { TEXT, LABEL, NUMBER, DATE, FLAG, FLAT, LABELS, AWARDEES, OTHER };

struct Probe {
    std::unordered_map<std::string, std::unordered_set<std::string>> official;
    std::unordered_map<std::string_view, std::pair<Kind, size_t>> fields;
    std::vector<Strings> strings;
    std::vector<Numbers> numbers;
    std::vector<std::vector<int32_t>> dates;
    size_t records = 0, not_clean = 0;
    std::string identity;

    void field(std::string_view name, Kind kind) {
        size_t column = kind == NUMBER ? numbers.size() : kind == DATE ? dates.size() : strings.size();
        if (kind == NUMBER) numbers.emplace_back();
        else if (kind == DATE) dates.emplace_back();
        else strings.emplace_back();
        fields[name] = {kind, column};
    }

    bool label(std::string_view field, std::string_view value) {
        auto table = official.find(std::string(field));
        return table != official.end() && table->second.count(std::string(value));
    }

    // One record: false when something is off (the real normaliser would hand it to Python).
    bool record(ondemand::object object, std::string_view &buyer, std::string_view &id,
                std::string_view &object_text, int32_t &notified, std::string &awardees) {
        bool clean = true;
        for (auto member : object) {
            std::string_view key;
            if (member.unescaped_key().get(key)) return false;
            auto found = fields.find(key);
            auto value = member.value();
            if (found == fields.end()) {
                std::string_view raw;
                if (value.raw_json_token().get(raw)) return false;
                clean = false;
                continue;
            }
            auto [kind, column] = found->second;
            std::string_view text;
            switch (kind) {
            case TEXT:
            case LABEL:
                if (value.get_string().get(text)) return false;
                text = blank_trim(text);
                if (kind == LABEL && !label(key, text)) clean = false;
                if (key == "id") id = text;
                if (key == "objet") object_text = text;
                strings[column].add(text);
                break;
            case NUMBER: {
                double x;
                if (value.get_double().get(x)) return false;
                numbers[column].add(x);
                break;
            }
            case DATE: {
                if (value.get_string().get(text)) return false;
                int32_t days = iso_days(text);
                if (days == INT32_MIN) clean = false;
                if (key == "dateNotification") notified = days;
                dates[column].push_back(days);
                break;
            }
            case FLAG: {
                bool b;
                if (value.get_bool().get(b)) return false;
                break;
            }
            case FLAT: {  // acheteur, lieuExecution: objects of strings
                ondemand::object flat;
                if (value.get_object().get(flat)) return false;
                for (auto inner : flat) {
                    std::string_view name, v;
                    if (inner.unescaped_key().get(name) || inner.value().get_string().get(v)) return false;
                    v = blank_trim(v);
                    if (name == "id") buyer = v;
                    if (name == "typeCode" && !label("lieuExecution.typeCode", v)) clean = false;
                    strings[column].add(v);
                }
                break;
            }
            case LABELS: {  // {"wrapper": ["label", ...]}
                ondemand::object wrapper;
                if (value.get_object().get(wrapper)) return false;
                for (auto inner : wrapper) {
                    ondemand::array items;
                    if (inner.value().get_array().get(items)) return false;
                    for (auto item : items) {
                        if (item.get_string().get(text)) return false;
                        text = blank_trim(text);
                        if (!label(key, text)) clean = false;
                        strings[column].add(text);
                    }
                }
                break;
            }
            case AWARDEES: {  // [{"titulaire": {"id": ..., "typeIdentifiant": ...}}, ...]
                ondemand::array items;
                if (value.get_array().get(items)) return false;
                for (auto item : items) {
                    ondemand::object wrapper;
                    if (item.get_object().get(wrapper)) return false;
                    for (auto inner : wrapper) {
                        ondemand::object awardee;
                        if (inner.value().get_object().get(awardee)) return false;
                        for (auto part : awardee) {
                            std::string_view name, v;
                            if (part.unescaped_key().get(name) || part.value().get_string().get(v)) return false;
                            v = blank_trim(v);
                            if (name == "id") {
                                if (!awardees.empty()) awardees += ',';
                                awardees.append(v);
                            } else if (name == "typeIdentifiant" && !label("titulaire.typeIdentifiant", v)) {
                                clean = false;
                            }
                            strings[column].add(v);
                        }
                    }
                }
                break;
            }
            case OTHER: {
                std::string_view raw;
                if (value.raw_json_token().get(raw)) return false;
                strings[column].add(raw);
                break;
            }
            }
        }
        return clean;
    }

    void run(const padded_string &json) {
        ondemand::parser parser;
        unsigned char digest[16];
        const char *p = json.data(), *end = p + json.size();
        while (p < end) {
            const char *nl = static_cast<const char *>(memchr(p, '\n', end - p));
            if (!nl) nl = end;
            size_t len = nl - p;
            MD5(reinterpret_cast<const unsigned char *>(p), len, digest);
            // (the padding simdjson reads past a line is the rest of the padded file)
            auto doc = parser.iterate(p, len, json.size() - (p - json.data()));
            ondemand::object object;
            std::string_view buyer, id, object_text;
            int32_t notified = INT32_MIN;
            std::string awardees;
            bool clean = !doc.get_object().get(object) &&
                         record(object, buyer, id, object_text, notified, awardees);
            if (clean) {
                identity.assign("marche|").append(buyer).append("|").append(id).append("|");
                identity.append(std::to_string(notified)).append("|").append(awardees).append("|");
                for (char c : object_text) identity += (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
                MD5(reinterpret_cast<const unsigned char *>(identity.data()), identity.size(), digest);
            } else {
                not_clean++;
            }
            records++;
            p = nl + 1;
        }
    }
};

}  // namespace

int main(int argc, char **argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s RECORDS.ndjson LABELS.tsv\n", argv[0]);
        return 2;
    }
    Probe probe;
    std::ifstream labels(argv[2]);
    for (std::string line; std::getline(labels, line);) {
        auto tab = line.find('\t');
        probe.official[line.substr(0, tab)].insert(line.substr(tab + 1));
    }
    for (auto name : {"id", "objet", "codeCPV", "idAccordCadre", "_type", "uid", "uuid"}) probe.field(name, TEXT);
    for (auto name : {"nature", "procedure", "ccag", "formePrix", "typeGroupementOperateurs"}) probe.field(name, LABEL);
    for (auto name : {"montant", "dureeMois", "offresRecues", "tauxAvance", "origineUE", "origineFrance"})
        probe.field(name, NUMBER);
    for (auto name : {"dateNotification", "datePublicationDonnees", "dateDebutExecution"}) probe.field(name, DATE);
    for (auto name : {"marcheInnovant", "attributionAvance", "sousTraitanceDeclaree"}) probe.field(name, FLAG);
    for (auto name : {"acheteur", "lieuExecution"}) probe.field(name, FLAT);
    for (auto name : {"techniques", "modalitesExecution", "typesPrix", "considerationsSociales",
                      "considerationsEnvironnementales"})
        probe.field(name, LABELS);
    probe.field("titulaires", AWARDEES);
    for (auto name : {"modifications", "actesSousTraitance"}) probe.field(name, OTHER);

    padded_string json = padded_string::load(argv[1]);
    auto start = std::chrono::steady_clock::now();
    probe.run(json);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    size_t bytes = 0;
    for (auto &column : probe.strings) bytes += column.data.size();
    std::printf("%zu enregistrements, %zu non propres, %zu octets de textes en colonnes, %.2f s\n",
                probe.records, probe.not_clean, bytes, seconds);
    return 0;
}
