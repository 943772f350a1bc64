/** A JSON number kept as its source text, so that big integers and long decimals stay exact. */
export class JsonNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
