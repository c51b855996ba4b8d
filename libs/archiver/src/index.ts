export * from './stream-names';
export * from './archive-record';
export * from './stream-archiver';
export * from './timeline';
export * from './customer-history';
export * from './rebuild-customer';
export * from './archiver.service';
export * from './archiver.module';
