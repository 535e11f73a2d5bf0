/**
 * Prints parsed template nodes back the way Octostache 3.9.3's ToString() does. 3.9.3 echoes an
 * unresolved token in this form, not as written: whitespace around names is dropped, filter options
 * come back in double quotes (`#{Foo | ToBazooka "6"}`), a calc loses its keyword and parentheses
 * (`#{C+2}`), and a condition whose filter chain has no value echoes its whole block.
 */
import { formatDotNetDouble } from './dotnet-double';
import type { CalcExpr, ConditionOperand, SymbolExpr, TemplateNode, ValueExpr } from './template-ast';

/** SymbolExpression.ToString(): identifiers joined by ".", indexers as written in brackets. */
export function symbolText(sym: SymbolExpr): string {
  let out = '';
  sym.steps.forEach((s, i) => {
    if (s.kind === 'id') out += (i === 0 ? '' : '.') + s.name.trim();
    else out += `[${s.raw}]`;
  });
  return out;
}

/** FunctionCallExpression.ToString() in filter syntax: `Foo | Filter "a" #{B}`. */
export function valueExprText(expr: ValueExpr): string {
  let out = expr.symbol ? symbolText(expr.symbol) : '';
  for (const call of expr.filters) {
    const options = call.args.map((a) => (a.kind === 'text' ? `"${a.value}"` : nodesText(a.nodes)));
    out += ` | ${call.name}${options.length ? ' ' : ''}${options.join(' ')}`;
  }
  return out;
}

/** The calc expression without its keyword, operators unspaced, as CalculationToken.ToString(). */
export function calcText(expr: CalcExpr): string {
  switch (expr.kind) {
    case 'num':
      return formatDotNetDouble(expr.value);
    case 'sym':
      return symbolText(expr.symbol);
    case 'neg':
      return `-${calcText(expr.operand)}`;
    case 'bin':
      return `${calcText(expr.left)}${expr.op}${calcText(expr.right)}`;
  }
}

function operandText(op: ConditionOperand): string {
  return op.kind === 'string' ? `"${op.value}"` : valueExprText(op.expr);
}

/**
 * ConditionalToken.ToString(): `#{if Left == Right }…#{else}…#{/if}`. An `unless` prints as the `if`
 * 3.9.3 turns it into (branches swapped). A string compared on the left is printed on the right.
 */
export function conditionalText(node: Extract<TemplateNode, { kind: 'if' }>): string {
  const first = node.branches[0]!;
  const c = first.condition;
  let head: string;
  if (!c.op) head = operandText(c.left);
  else if (c.left.kind === 'string' && c.right?.kind === 'expr') head = `${operandText(c.right)} ${c.op} ${operandText(c.left)} `;
  else head = `${operandText(c.left)} ${c.op} ${operandText(c.right!)} `;
  let truthy = nodesText(first.body);
  // Drop Runner's own #{elseif} (not in 3.9.3) prints as written.
  for (const b of node.branches.slice(1)) truthy += `#{elseif ${b.condition.op ? `${operandText(b.condition.left)} ${b.condition.op} ${operandText(b.condition.right!)}` : operandText(b.condition.left)}}${nodesText(b.body)}`;
  const falsy = node.elseBody ? nodesText(node.elseBody) : '';
  const [yes, no] = node.negate ? [falsy, truthy] : [truthy, falsy];
  return `#{if ${head}}${yes}${no === '' ? '' : `#{else}${no}`}#{/if}`;
}

/** Template tokens printed back (text re-escapes "#{" as "##{"). */
export function nodesText(nodes: TemplateNode[]): string {
  return nodes
    .map((n) => {
      switch (n.kind) {
        case 'text':
          return n.text.replace(/#\{/g, '##{');
        case 'sub':
          return `#{${valueExprText(n.expr)}}`;
        case 'calc':
          return `#{${calcText(n.expr)}}`;
        case 'if':
          return conditionalText(n);
        case 'each':
          return `#{each ${n.variable} in ${symbolText(n.collection)}}${nodesText(n.body)}#{/each}`;
      }
    })
    .join('');
}
