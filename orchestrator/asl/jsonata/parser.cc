#include "orchestrator/asl/jsonata/parser.h"

#include <map>
#include <optional>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/ancestry.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/lexer.h"
#include "orchestrator/asl/jsonata/regex.h"

namespace stepwise::jsonata::internal {
namespace {

// jsonata-js's symbol table: the left binding power of each operator
// symbol (infix operators take theirs from the operator table; symbols that
// are only prefix or punctuation have 0). -1: not a symbol (S0204).
int BindingPower(const std::string& op) {
  static const auto* powers = new std::map<std::string, int>{
      {".", 75},  {"[", 80},  {"{", 70},  {"(", 80},  {"@", 80},  {"#", 80},
      {"?", 20},  {"+", 50},  {"-", 50},  {"*", 60},  {"/", 60},  {"%", 60},
      {"=", 40},  {"<", 40},  {">", 40},  {"^", 40},  {":=", 10}, {"!=", 40},
      {"<=", 40}, {">=", 40}, {"~>", 40}, {"?:", 40}, {"??", 40}, {"and", 30},
      {"or", 25}, {"in", 40}, {"&", 50},  {"]", 0},   {"}", 0},   {")", 0},
      {",", 0},   {";", 0},   {":", 0},   {"..", 0},  {"**", 0},  {"|", 0}};
  auto it = powers->find(op);
  return it == powers->end() ? -1 : it->second;
}

// Nesting deeper than this fails (U1001) rather than exhausting the stack.
constexpr int kMaxNesting = 300;

class Parser {
 public:
  explicit Parser(std::string_view source) : lexer_(source) {}

  NodePtr Parse() {
    Advance();
    NodePtr expr = Expression(0);
    if (id_ != "(end)") Fail("S0201", node_->position, node_->value);
    return expr;
  }

 private:
  void Advance(const std::string& expected = "", bool infix = false) {
    if (!expected.empty() && id_ != expected) {
      Fail(id_ == "(end)" ? "S0203" : "S0202", node_->position,
           id_ == "(end)" ? expected : StrCat(expected, ", got ", node_->value));
    }
    std::optional<Token> t = lexer_.Next(infix);
    node_ = std::make_shared<Node>();
    if (!t) {
      id_ = "(end)";
      node_->type = NodeType::kOperator;
      node_->value = "(end)";
      node_->position = lexer_.size();
      return;
    }
    node_->position = t->position;
    node_->value = t->value;
    switch (t->type) {
      case Token::Type::kName:
        id_ = "(name)";
        node_->type = NodeType::kName;
        break;
      case Token::Type::kVariable:
        id_ = "(name)";
        node_->type = NodeType::kVariable;
        break;
      case Token::Type::kOperator:
        if (BindingPower(t->value) < 0) Fail("S0204", t->position, t->value);
        id_ = t->value;
        node_->type = NodeType::kOperator;
        break;
      case Token::Type::kString:
        id_ = "(literal)";
        node_->type = NodeType::kString;
        break;
      case Token::Type::kNumber:
        id_ = "(literal)";
        node_->type = NodeType::kNumber;
        node_->number = t->number;
        break;
      case Token::Type::kValue:
        id_ = "(literal)";
        node_->type = NodeType::kValue;
        node_->literal = t->value == "true"    ? Value::Bool(true)
                         : t->value == "false" ? Value::Bool(false)
                                               : Value::Null();
        break;
      case Token::Type::kRegex:
        id_ = "(regex)";
        node_->type = NodeType::kRegex;
        node_->regex = JsRegex::Compile(t->value, t->flags);
        if (node_->regex == nullptr) Fail("S0303", t->position, t->value);
        break;
    }
  }

  int Lbp() const {
    if (id_ == "(end)" || id_ == "(name)" || id_ == "(literal)" || id_ == "(regex)") return 0;
    return BindingPower(id_);
  }

  NodePtr Expression(int rbp) {
    struct Nesting {
      explicit Nesting(int& d) : depth(d) { ++depth; }
      ~Nesting() { --depth; }
      int& depth;
    } nesting(depth_);
    if (depth_ > kMaxNesting) Fail("U1001", node_->position);
    NodePtr t = node_;
    std::string id = id_;
    Advance("", true);
    NodePtr left = Nud(t, id);
    while (rbp < Lbp()) {
      t = node_;
      id = id_;
      Advance();
      left = Led(t, id, left);
    }
    return left;
  }

  NodePtr Nud(const NodePtr& t, const std::string& id) {
    if (id == "(name)" || id == "(literal)" || id == "(regex)") return t;
    if (id == "and" || id == "or" || id == "in") return t;  // terminal: a field name
    if (id == "-") {
      t->type = NodeType::kRawUnary;
      t->expression = Expression(70);
      return t;
    }
    if (id == "*") {
      t->type = NodeType::kWildcard;
      return t;
    }
    if (id == "**") {
      t->type = NodeType::kDescendant;
      return t;
    }
    if (id == "%") {
      t->type = NodeType::kParent;
      return t;
    }
    if (id == "(") {
      t->type = NodeType::kBlock;
      while (id_ != ")") {
        t->expressions.push_back(Expression(0));
        if (id_ != ";") break;
        Advance(";");
      }
      Advance(")", true);
      return t;
    }
    if (id == "[") {
      t->type = NodeType::kRawUnary;
      if (id_ != "]") {
        while (true) {
          NodePtr item = Expression(0);
          if (id_ == "..") {
            auto range = std::make_shared<Node>();
            range->type = NodeType::kRawBinary;
            range->value = "..";
            range->position = node_->position;
            range->lhs = item;
            Advance("..");
            range->rhs = Expression(0);
            item = range;
          }
          t->expressions.push_back(item);
          if (id_ != ",") break;
          Advance(",");
        }
      }
      Advance("]", true);
      return t;
    }
    if (id == "{") {
      t->type = NodeType::kRawUnary;
      t->pairs = ObjectPairs();
      return t;
    }
    if (id == "|") {
      t->type = NodeType::kTransform;
      t->lhs = Expression(0);
      Advance("|");
      t->rhs = Expression(0);
      if (id_ == ",") {
        Advance(",");
        t->expression = Expression(0);
      }
      Advance("|");
      return t;
    }
    if (id == "(end)") return t;  // ProcessAst reports S0207 unless a bracket is missing
    Fail("S0211", t->position, t->value);
  }

  std::vector<std::pair<NodePtr, NodePtr>> ObjectPairs() {
    std::vector<std::pair<NodePtr, NodePtr>> pairs;
    if (id_ != "}") {
      while (true) {
        NodePtr k = Expression(0);
        Advance(":");
        NodePtr v = Expression(0);
        pairs.emplace_back(k, v);
        if (id_ != ",") break;
        Advance(",");
      }
    }
    Advance("}", true);
    return pairs;
  }

  NodePtr Led(const NodePtr& t, const std::string& id, const NodePtr& left) {
    t->lhs = left;
    t->type = NodeType::kRawBinary;
    if (id == "(") return Call(t, left);
    if (id == "[") {
      if (id_ == "]") {
        // `[]`: keep singleton arrays.
        NodePtr step = left;
        while (step->type == NodeType::kRawBinary && step->value == "[") step = step->lhs;
        step->keep_array = true;
        Advance("]");
        return left;
      }
      t->rhs = Expression(BindingPower("]"));
      Advance("]", true);
      return t;
    }
    if (id == "^") {
      Advance("(");
      while (true) {
        SortTerm term;
        if (id_ == "<") {
          Advance("<");
        } else if (id_ == ">") {
          term.descending = true;
          Advance(">");
        }
        term.expression = Expression(0);
        t->terms.push_back(term);
        if (id_ != ",") break;
        Advance(",");
      }
      Advance(")");
      return t;
    }
    if (id == "{") {
      t->pairs = ObjectPairs();
      return t;
    }
    if (id == ":=") {
      if (left->type != NodeType::kVariable) Fail("S0212", left->position, left->value);
      t->rhs = Expression(BindingPower(":=") - 1);
      return t;
    }
    if (id == "?") {
      t->type = NodeType::kCondition;
      t->condition = left;
      t->then = Expression(0);
      if (id_ == ":") {
        Advance(":");
        t->otherwise = Expression(0);
      }
      return t;
    }
    if (id == "@" || id == "#") {
      t->rhs = Expression(BindingPower(id));
      if (t->rhs->type != NodeType::kVariable) Fail("S0214", t->rhs->position, id);
      return t;
    }
    if (id == "?:" || id == "??") {
      t->rhs = Expression(0);
      return t;
    }
    int bp = BindingPower(id);
    if (bp <= 0) Fail("S0201", t->position, t->value);
    t->rhs = Expression(bp);
    return t;
  }

  NodePtr Call(const NodePtr& t, const NodePtr& left) {
    t->type = NodeType::kFunction;
    t->procedure = left;
    if (id_ != ")") {
      while (true) {
        if (node_->type == NodeType::kOperator && id_ == "?") {
          t->type = NodeType::kPartial;
          t->arguments.push_back(node_);
          Advance("?");
        } else {
          t->arguments.push_back(Expression(0));
        }
        if (id_ != ",") break;
        Advance(",");
      }
    }
    Advance(")", true);
    if (left->type == NodeType::kName && (left->value == "function" || left->value == "λ")) {
      for (size_t i = 0; i < t->arguments.size(); ++i) {
        if (t->arguments[i]->type != NodeType::kVariable) {
          Fail("S0208", t->arguments[i]->position, std::to_string(i + 1));
        }
      }
      t->type = NodeType::kLambda;
      if (id_ == "<") {
        // The signature runs to the matching '>'; re-scan it as raw text.
        std::string sig = "<";
        int depth = 1;
        Advance("<");
        while (depth > 0 && id_ != "{" && id_ != "(end)") {
          if (id_ == "<") ++depth;
          if (id_ == ">") --depth;
          sig += node_->value;
          Advance();
        }
        t->signature = Signature::Parse(sig);
      }
      Advance("{");
      t->body = Expression(0);
      Advance("}");
    }
    return t;
  }

  Lexer lexer_;
  NodePtr node_;
  std::string id_;
  int depth_ = 0;
};

}  // namespace

NodePtr ParseExpression(std::string_view source) {
  Parser parser(source);
  NodePtr raw = parser.Parse();
  AncestryScope ancestry;
  NodePtr ast = ProcessAst(raw);
  if (ast->type == NodeType::kParent || ast->seeking_parent) Fail("S0217", ast->position);
  return ast;
}

}  // namespace stepwise::jsonata::internal
