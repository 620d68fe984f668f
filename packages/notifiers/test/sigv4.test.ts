import { describe, expect, it } from 'vitest';
import { signV4 } from '../src/index.js';

describe('signV4', () => {
  // The worked example of AWS's SigV4 documentation ("Examples of the complete Signature Version 4 signing
  // process": IAM ListUsers, 2015-08-30T12:36:00Z, the documented example secret key).
  it("reproduces AWS's documented example signature", () => {
    const headers = signV4(
      {
        method: 'GET',
        url: 'https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: '',
        region: 'us-east-1',
        service: 'iam',
        at: new Date(Date.UTC(2015, 7, 30, 12, 36)),
      },
      { accessKey: 'AKIDEXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-date, ' +
        'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
  });
});
