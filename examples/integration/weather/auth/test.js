const response = await ld.request({
  url: 'https://api.weather.example.com/v1/me',
  headers: { Authorization: `Bearer ${data.auth.apiKey}` },
});
return response.status === 200;
