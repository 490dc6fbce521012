// output.cpp - text tables, show blocks, JSON, event lines.
#include "output.hpp"

#include <algorithm>

namespace rsm::ctl {

namespace {

const Cell *find(const Record &r, const Field &f) {
    for (const Cell &c : r) {
        if (c.field == &f) {
            return &c;
        }
    }
    return nullptr;
}

} // namespace

std::string format_table(std::span<const Field> fields, const std::vector<Record> &records) {
    std::vector<const Field *> cols;
    for (const Field &f : fields) {
        if (!f.column.empty()) {
            cols.push_back(&f);
        }
    }
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> width;
    rows.emplace_back();
    for (const Field *f : cols) {
        rows.back().emplace_back(f->column);
        width.push_back(f->column.size());
    }
    for (const Record &r : records) {
        rows.emplace_back();
        for (std::size_t i = 0; i < cols.size(); i++) {
            const Cell *c = find(r, *cols[i]);
            rows.back().push_back(c ? c->text : "-");
            width[i] = std::max(width[i], rows.back().back().size());
        }
    }
    std::string out;
    for (const auto &row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); i++) {
            line += row[i];
            if (i + 1 < row.size()) {
                line.append(width[i] - row[i].size() + 2, ' ');
            }
        }
        out += line + "\n";
    }
    return out;
}

std::string format_show(const Record &record) {
    std::size_t width = 0;
    for (const Cell &c : record) {
        width = std::max(width, c.field->key.size());
    }
    std::string out;
    for (const Cell &c : record) {
        out += std::string(c.field->key);
        out.append(width - c.field->key.size() + 2, ' ');
        out += c.text + "\n";
    }
    return out;
}

Json to_json(const Record &record) {
    Json o = Json::object();
    for (const Cell &c : record) {
        o[std::string(c.field->key)] = c.json;
    }
    return o;
}

Json to_json(const std::vector<Record> &records) {
    Json a = Json::array();
    for (const Record &r : records) {
        a.push_back(to_json(r));
    }
    return a;
}

std::string format_event(std::string_view name, const Record &record) {
    std::string out(name);
    for (const Cell &c : record) {
        if (!c.field->column.empty()) {
            out += " " + std::string(c.field->key) + "=" + c.text;
        }
    }
    return out;
}

bool put(const std::string &text) {
    return std::fwrite(text.data(), 1, text.size(), stdout) == text.size() &&
           std::fflush(stdout) == 0;
}

} // namespace rsm::ctl
