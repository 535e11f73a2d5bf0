import { describe, expect, it } from 'vitest';
import { attribute, childElements, decodeXmlBytes, descend, parseXml, textOf, XmlError } from '../../../../main/drop/nested/xml-reader';

describe('parseXml', () => {
  it('reads elements, prefixed attributes, text and nesting', () => {
    const root = parseXml(`<?xml version="1.0" encoding="utf-8"?>
<!-- a comment -->
<SSIS:Project xmlns:SSIS="www.microsoft.com/SqlServer/SSIS" SSIS:ProtectionLevel="DontSaveSensitive">
  <SSIS:Properties>
    <SSIS:Property SSIS:Name="Name">ClinicalFeeds</SSIS:Property>
    <SSIS:Property SSIS:Name='VersionMajor'>2</SSIS:Property>
  </SSIS:Properties>
  <SSIS:Packages><SSIS:Package SSIS:Name="Load.dtsx" SSIS:EntryPoint="1"/></SSIS:Packages>
</SSIS:Project>`);
    expect(root.name).toBe('SSIS:Project');
    expect(attribute(root, 'ProtectionLevel')).toBe('DontSaveSensitive');
    const props = childElements(descend(root, 'Properties')!, 'Property');
    expect(props.map((p) => [attribute(p, 'Name'), textOf(p)])).toEqual([
      ['Name', 'ClinicalFeeds'],
      ['VersionMajor', '2'],
    ]);
    expect(attribute(descend(root, 'Packages', 'Package')!, 'Name')).toBe('Load.dtsx');
  });

  it('decodes predefined and numeric entities and CDATA', () => {
    const root = parseXml('<a t="&lt;x&gt; &quot;q&quot; &apos;s&apos; &amp;">1 &lt; 2 &#65;&#x42; <![CDATA[<raw & text>]]></a>');
    expect(attribute(root, 't')).toBe('<x> "q" \'s\' &');
    expect(textOf(root)).toBe('1 < 2 AB <raw & text>');
  });

  it('normalises literal whitespace in attribute values but keeps encoded ones', () => {
    expect(attribute(parseXml('<a v="x\ny&#10;z"/>'), 'v')).toBe('x y\nz');
  });

  it('handles UTF-8 and UTF-16 byte-order marks', () => {
    const text = '<r>Café</r>';
    expect(textOf(parseXml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])))).toBe('Café');
    expect(textOf(parseXml(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])))).toBe('Café');
    const be = Buffer.from(text, 'utf16le');
    be.swap16();
    expect(decodeXmlBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(text);
  });

  it.each([
    ['<a><b></a>', 'does not match'],
    ['<a>', 'not closed'],
    ['<a/><b/>', 'more than one root'],
    ['text', 'text outside'],
    ['<a>&bogus;</a>', 'unknown entity'],
    ['<a>AT&T</a>', 'must start an entity'],
    ['<a x="1" x="2"/>', 'duplicate attribute'],
    ['<a x=1/>', 'must be quoted'],
    ['<a x="<"/>', '"<" inside'],
    ['<!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>', 'DOCTYPE is not accepted'],
    ['<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a>&e;</a>', 'DOCTYPE is not accepted'],
    ['<!DOCTYPE a><a/>', 'only the five predefined entities'],
    ['<a><!ENTITY e "x"></a>', 'markup declarations'],
    ['<a>&nbsp;</a>', 'unknown entity'],
    ['<a><!-- open', 'unterminated comment'],
    ['<a>&#0;</a>', 'invalid character reference'],
    ['', 'no root element'],
    [`${'<a>'.repeat(300)}${'</a>'.repeat(300)}`, 'nested deeper'],
  ])('refuses %j', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
    expect(() => parseXml(xml)).toThrow(message);
  });

  it('reports the line of a problem', () => {
    try {
      parseXml('<a>\n<b>\n</c>\n</a>');
      expect.unreachable();
    } catch (error) {
      expect((error as XmlError).line).toBe(3);
    }
  });
});
