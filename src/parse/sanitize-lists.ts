// The sanitizer's allowlists, modelled on feedparser's _HTMLSanitizer (its acceptable elements,
// attributes, MathML/SVG vocabularies, CSS properties and keywords) so that its sanitize tests
// hold; the deliberate differences are marked where they are made.

const words = (s: string): Set<string> => new Set(s.trim().split(/\s+/));

/** HTML_ELEMENTS are kept anywhere. feedparser's list minus the form controls (a <form> or
 * <input> in a feed body can phish or post), plus modern phrasing/media tags feeds use today. */
export const HTML_ELEMENTS = words(`
  a abbr acronym address area article aside audio b big blockquote br canvas caption center cite
  code col colgroup command datagrid dd del details dfn dialog dir div dl dt em event-source
  fieldset figcaption figure font footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd label legend
  li m map menu meter multicol nav nextid ol output p pre progress q s samp section small sound
  source spacer span strike strong sub sup table tbody td tfoot th thead time tr tt u ul var video
  bdi bdo mark picture rp rt ruby summary track wbr`);

/** HTML_ATTRIBUTES are kept on HTML elements (feedparser's acceptable_attributes, plus srcset/sizes). */
export const HTML_ATTRIBUTES = words(`
  abbr accept accept-charset accesskey action align alt autocomplete autofocus axis
  background balance bgcolor bgproperties border bordercolor bordercolordark bordercolorlight
  bottompadding cellpadding cellspacing ch challenge char charoff charset checked choff cite class
  clear color cols colspan compact contenteditable controls coords data datafld datapagesize
  datasrc datetime default delay dir disabled draggable dynsrc enctype end face for form frame
  galleryimg gutter headers height hidefocus hidden high href hreflang hspace icon id inputmode
  ismap keytype label lang leftspacing list longdesc loop loopcount loopend loopstart low lowsrc
  max maxlength media method min multiple name nohref noshade nowrap open optimum pattern ping
  point-size poster pqg preload prompt radiogroup readonly rel repeat-max repeat-min replace
  required rev rightspacing rows rowspan rules scope selected shape size span src start step
  summary suppress tabindex target template title toppadding type unselectable urn usemap valign
  value variable volume vrml vspace width wrap xml:lang srcset sizes`);

/** MATHML_ELEMENTS are kept inside <math>. */
export const MATHML_ELEMENTS = words(`
  annotation annotation-xml maction maligngroup malignmark math menclose merror mfenced mfrac
  mglyph mi mlabeledtr mlongdiv mmultiscripts mn mo mover mpadded mphantom mprescripts mroot mrow
  ms mscarries mscarry msgroup msline mspace msqrt msrow mstack mstyle msub msubsup msup mtable
  mtd mtext mtr munder munderover none semantics`);

/** MATHML_ATTRIBUTES are kept on MathML elements. */
export const MATHML_ATTRIBUTES = words(`
  accent accentunder actiontype align alignmentscope altimg altimg-height altimg-valign
  altimg-width alttext bevelled charalign close columnalign columnlines columnspacing columnspan
  columnwidth crossout decimalpoint denomalign depth dir display displaystyle edge encoding
  equalcolumns equalrows fence fontstyle fontweight form frame framespacing groupalign height href
  id indentalign indentalignfirst indentalignlast indentshift indentshiftfirst indentshiftlast
  indenttarget infixlinebreakstyle largeop length linebreak linebreakmultchar linebreakstyle
  lineleading linethickness location longdivstyle lquote lspace mathbackground mathcolor mathsize
  mathvariant maxsize minlabelspacing minsize movablelimits notation numalign open other overflow
  position rowalign rowlines rowspacing rowspan rquote rspace scriptlevel scriptminsize
  scriptsizemultiplier selection separator separators shift side src stackalign stretchy
  subscriptshift superscriptshift symmetric voffset width xlink:href xlink:show xlink:type xmlns
  xmlns:xlink`);

/** SVG_ELEMENTS are kept inside <svg> (htmlparser2 already restores the camelCase names). */
export const SVG_ELEMENTS = words(`
  a animate animateColor animateMotion animateTransform circle defs desc ellipse font-face
  font-face-name font-face-src foreignObject g glyph hkern line linearGradient marker metadata
  missing-glyph mpath path polygon polyline radialGradient rect set stop svg switch text title
  tspan use`);

/** SVG_ATTRIBUTES are kept on SVG elements, spelled as SVG spells them. */
const SVG_ATTRIBUTE_LIST = `
  accent-height accumulate additive alphabetic arabic-form ascent attributeName attributeType
  baseProfile bbox begin by calcMode cap-height class color color-rendering content cx cy d
  descent display dur dx dy end fill fill-opacity fill-rule font-family font-size font-stretch
  font-style font-variant font-weight from fx fy g1 g2 glyph-name gradientUnits hanging height
  horiz-adv-x horiz-origin-x id ideographic k keyPoints keySplines keyTimes lang marker-end
  marker-mid marker-start markerHeight markerUnits markerWidth mathematical max min name offset
  opacity orient origin overline-position overline-thickness panose-1 path pathLength points
  preserveAspectRatio r refX refY repeatCount repeatDur requiredExtensions requiredFeatures
  restart rotate rx ry slope stemh stemv stop-color stop-opacity strikethrough-position
  strikethrough-thickness stroke stroke-dasharray stroke-dashoffset stroke-linecap
  stroke-linejoin stroke-miterlimit stroke-opacity stroke-width systemLanguage target
  text-anchor to transform type u1 u2 underline-position underline-thickness unicode
  unicode-range units-per-em values version viewBox visibility width widths x x-height x1 x2
  xlink:actuate xlink:arcrole xlink:href xlink:role xlink:show xlink:title xlink:type xml:base
  xml:lang xml:space xmlns xmlns:xlink y y1 y2 zoomAndPan`;

/** SVG_ATTRIBUTES maps the lower-cased name the HTML parser gives to the SVG spelling. */
export const SVG_ATTRIBUTES = new Map([...words(SVG_ATTRIBUTE_LIST)].map((a) => [a.toLowerCase(), a]));

/** DROP_WITH_CONTENT are removed together with their text; other unknown tags are unwrapped. */
export const DROP_WITH_CONTENT = ['script', 'style', 'applet', 'xmp', 'noembed', 'noframes', 'plaintext', 'template'];

/** SELF_CLOSING are the void elements written as <br />, with no end tag. */
export const SELF_CLOSING = new Set(['img', 'br', 'hr', 'area', 'col', 'source', 'track', 'wbr']);

/** CSS_PROPERTIES may appear in a style attribute with any (character-checked) value. */
export const CSS_PROPERTIES = words(`
  azimuth background-color border-bottom-color border-collapse border-color border-left-color
  border-right-color border-top-color clear color cursor direction display elevation float font
  font-family font-size font-style font-variant font-weight height letter-spacing line-height
  overflow pause pause-after pause-before pitch pitch-range richness speak speak-header
  speak-numeral speak-punctuation speech-rate stress text-align text-decoration text-indent
  unicode-bidi vertical-align voice-family volume white-space width`);

/** CSS_SHORTHAND_PREFIXES admit background-*, border-*, margin-*, padding-* when every word of the
 * value is a CSS_KEYWORD or a small length/colour. */
export const CSS_SHORTHAND_PREFIXES = words('background border margin padding');

/** CSS_KEYWORDS are the words allowed in those shorthand values. */
export const CSS_KEYWORDS = words(`
  aqua auto black block blue bold both bottom brown center collapse dashed dotted fuchsia gray
  green !important italic left lime maroon medium none navy normal nowrap olive pointer purple
  red right solid silver teal top transparent underline white yellow`);

/** SVG_CSS_PROPERTIES are also allowed in style attributes inside <svg>. */
export const SVG_CSS_PROPERTIES = words(`
  fill fill-opacity fill-rule stroke stroke-linecap stroke-linejoin stroke-opacity stroke-width`);

/** URI_SCHEMES are the schemes a URL attribute may use (feedparser's list, plus tel). */
export const URI_SCHEMES = words(`
  file ftp gopher h323 hdl http https imap magnet mailto mms news nntp prospero rsync rtsp rtspu
  sftp shttp sip sips snews svn svn+ssh telnet wais aim callto cvs facetime feed git gtalk irc
  ircs irc6 itms msnim skype ssh smb ymsg tel`);

/** URL_ATTRIBUTES hold one URL each and are scheme-checked on every element. */
export const URL_ATTRIBUTES = words(`
  href src cite longdesc poster background dynsrc lowsrc action data ping usemap xlink:href`);

/** RELATIVE_URIS lists the element@attribute pairs resolved against the base (feedparser's
 * relative_uris restricted to what survives, plus srcset). */
export const RELATIVE_URIS = words(`
  a@href area@href audio@src blockquote@cite del@cite ins@cite q@cite img@src img@longdesc
  source@src video@src video@poster track@src img@srcset source@srcset`);
